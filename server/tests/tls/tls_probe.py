#!/usr/bin/env python3
"""Socket-level clients for serve_tls.sh: what curl and openssl cannot do.

    tls_probe.py PORT CAFILE CHECK [ARGS]

Each check prints one line and exits 0 when the server behaved, 1 otherwise.
"""
import hashlib
import os
import socket
import ssl
import sys
import time

HOST = "127.0.0.1"
REQUEST = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"


def tls_context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = True
    return ctx


def connect_tls(port, cafile):
    raw = socket.create_connection((HOST, port), timeout=15)
    return tls_context(cafile).wrap_socket(raw, server_hostname="localhost")


def read_response(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(4096)
        if not chunk:
            break
        body += chunk
    status = int(head.split(b" ")[1]) if head.startswith(b"HTTP/1.1 ") else 0
    return status, body


def closed_within(conn, low, high):
    """Waits for the server to close `conn` without sending it anything more;
    true when that took between low and high seconds."""
    start = time.monotonic()
    try:
        while conn.recv(4096):
            pass
    except (ssl.SSLError, ConnectionError, OSError):
        pass  # a TLS peer may see close_notify, EOF or a reset: all are "closed"
    took = time.monotonic() - start
    ok = low <= took <= high
    print(f"closed after {took:.2f} s (expected {low}-{high} s)")
    return ok


def fingerprint(conn):
    return ":".join(f"{b:02X}" for b in hashlib.sha256(conn.getpeercert(binary_form=True)).digest())


def main():
    port, cafile, check = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    args = sys.argv[4:]
    timeout = float(args[0]) if args else 1.0
    ok = False
    if check == "silent-tcp":
        # (d) a TCP connection that sends nothing: closed after the read timeout.
        ok = closed_within(socket.create_connection((HOST, port), timeout=15), timeout * 0.8, timeout + 3)
    elif check == "partial-hello":
        # A handshake that stops after the record header: closed likewise.
        conn = socket.create_connection((HOST, port), timeout=15)
        conn.sendall(bytes([0x16, 0x03, 0x01, 0x02, 0x00]))
        ok = closed_within(conn, timeout * 0.8, timeout + 3)
    elif check == "handshake-then-nothing":
        # The handshake counts toward the read timeout: a client that
        # completes it and never sends a request has the read timeout from its
        # connect, not a fresh one after the handshake.
        start = time.monotonic()
        conn = connect_tls(port, cafile)
        ok = closed_within(conn, timeout * 0.8 - (time.monotonic() - start), timeout + 3)
    elif check == "stalled-request":
        # Headers begun over TLS and never finished: 408, then closed.
        conn = connect_tls(port, cafile)
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: local")
        status, body = read_response(conn)
        ok = status == 408 and b"request_timeout" in body
        print(f"stalled request answered {status} {body[:80]!r}")
    elif check == "garbage":
        # Bytes that are neither TLS nor HTTP: closed, nothing answered.
        conn = socket.create_connection((HOST, port), timeout=15)
        conn.sendall(os.urandom(64) + b"\x00" * 512)
        ok = closed_within(conn, 0, timeout + 3)
    elif check == "cap":
        # --max-connections N over TLS: N held connections are served, one
        # beyond is closed before any handshake.
        limit = int(args[1])
        held = [connect_tls(port, cafile) for _ in range(limit)]
        for conn in held:
            conn.sendall(REQUEST)
            if read_response(conn)[0] != 200:
                print("a connection within the cap was not served")
                return 1
        try:
            extra = connect_tls(port, cafile)
            extra.sendall(REQUEST)
            status, _ = read_response(extra)
            print(f"connection beyond the cap answered {status}")
            ok = status == 0
        except (ssl.SSLError, ConnectionError, OSError) as e:
            print(f"connection beyond the cap refused: {type(e).__name__}")
            ok = True
        for conn in held:
            conn.close()
    elif check == "hold-across-reload":
        # (e) an open connection keeps the certificate it started with: it is
        # made, a request answered, then this waits for the file args[1] (the
        # test writes it after the reload) and asks again on the same
        # connection. Prints the fingerprint it saw.
        flag = args[1]
        conn = connect_tls(port, cafile)
        conn.sendall(REQUEST)
        first = read_response(conn)[0]
        print(f"before {fingerprint(conn)}", flush=True)
        deadline = time.monotonic() + 20
        while not os.path.exists(flag) and time.monotonic() < deadline:
            time.sleep(0.05)
        conn.sendall(REQUEST)
        second = read_response(conn)[0]
        print(f"after {fingerprint(conn)} statuses {first} {second}")
        ok = first == 200 and second == 200
    elif check == "never-answers-close-notify":
        # An idle connection whose client never reads: the server's stop must
        # not wait for its close_notify. Holds the connection for args[1]
        # seconds.
        conn = connect_tls(port, cafile)
        conn.sendall(REQUEST)
        read_response(conn)
        print("holding", flush=True)
        time.sleep(float(args[1]))
        ok = True
    else:
        print(f"unknown check {check}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
