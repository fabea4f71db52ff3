"""`make bench` (bench/run.py) and what gunicorn serves during it (bench/wsgi.py)."""

# A request carrying this header finds the data caches empty (bench/wsgi.py).
COLD_DATA_HEADER = "X-Bench-Cold-Data"
