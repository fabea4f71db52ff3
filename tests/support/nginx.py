"""deploy/nginx.conf run on this machine: on free ports, with a certificate made here,
in a folder of its own. Used by tests/deploy/test_nginx.py and by the bench
(bench/run.py), so both run the committed file with the same few values replaced."""

import datetime
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text()[-3000:] if log.exists() else ""


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a process started here in its own session, with its children (gunicorn's
    workers, nginx's)."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def self_signed_certificate(folder: Path, host: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def substitutions(ports: dict, folder: Path, host: str) -> dict[str, str]:
    """Exact text in deploy/nginx.conf -> its value here: the placeholders that the
    file's header (and README, "Production") tell an operator to change."""
    return {
        "listen 80;": f"listen 127.0.0.1:{ports['http']};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{ports['https']} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "server_name atelier.example;": f"server_name {host};",
        "/etc/ssl/certs/atelier.example.pem": str(folder / "cert.pem"),
        "/etc/ssl/private/atelier.example.key": str(folder / "key.pem"),
        "/srv/atelier/app/static/": f"{ROOT / 'app' / 'static'}/",
        "/var/cache/nginx/atelier": str(folder / "cache"),
        "127.0.0.1:8000": f"127.0.0.1:{ports['gunicorn']}",
    }


def without_comments(text: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def site_config(ports: dict, folder: Path, host: str) -> str:
    text = NGINX_CONF.read_text()
    for placeholder, value in substitutions(ports, folder, host).items():
        assert placeholder in without_comments(text), f"deploy/nginx.conf lost {placeholder!r}"
        text = text.replace(placeholder, value)
    assert "atelier.example" not in without_comments(text)
    return text


def main_config(folder: Path, workers: str = "1") -> str:
    """What Debian's /etc/nginx/nginx.conf gives the site file (mime types, an access
    log), with the pid, logs and temporary files in `folder`."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # the cache folder is root's
    return f"""{user}daemon off;
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/atelier.conf;
}}
"""


def start_nginx(folder: Path, ports: dict, host: str, workers: str = "1") -> subprocess.Popen:
    """nginx in the foreground with deploy/nginx.conf in front of ports['gunicorn']."""
    self_signed_certificate(folder, host)
    (folder / "atelier.conf").write_text(site_config(ports, folder, host))
    (folder / "nginx.conf").write_text(main_config(folder, workers))
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    command += ["-e", str(folder / "error.log")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    if checked.returncode != 0:
        raise RuntimeError(checked.stderr)
    with (folder / "nginx.out").open("w") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for_port(ports["https"], process, folder / "error.log")
    except RuntimeError:
        stop(process, signal.SIGQUIT)
        raise
    return process
