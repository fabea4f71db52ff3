from flask import Blueprint

# Invoices and credit notes as PDFs, for their owner and for staff (Terms §3.3).
bp = Blueprint("billing", __name__, url_prefix="/invoices")

from app.blueprints.billing import views  # noqa: E402, F401
