#!/usr/bin/env python3
"""A scriptable HTTP/1.1 origin for paygate's integration tests.

It writes responses byte by byte as the tests need them (chunked, close-delimited, stalls,
upgrades, repeated Set-Cookie), so the proxy is tested against a real separate process whose
behaviour nobody on the proxy side controls. Standard library only; loopback only.

    python3 origin.py [--host 127.0.0.1] [--port 0]     prints "PORT <n>" on stdout once listening

Routes (GET unless noted):
  /echo[...]          JSON: method, target, version, headers (in order), body length and sha256
  /bytes/N            N bytes (pattern i % 251) with Content-Length
  /chunked/N/K        N bytes in K chunks, chunked, with a trailer
  /close/N            N bytes, no length, then close
  /sse/N/MS           N server-sent events, one every MS ms (chunked, flushed per event)
  /status/CODE        that status with a small JSON body (no body for 204/304)
  /cookies            three Set-Cookie headers
  /slow-head/MS       waits MS before the response head
  /slow-body/MS       sends the head and half the body, then waits MS
  /drop               closes without answering
  /conn               JSON: this connection's id, how many requests it has served, the address it came in on
  /flaky              200 on a connection's first request; closes without answering on later ones
  /ws                 Upgrade: websocket -> 101, then echoes raw bytes
  /interim            a 103 Early Hints, then 200
  POST|PUT /upload    reads the body (length or chunked), JSON: length and sha256
"""
import argparse
import asyncio
import base64
import hashlib
import itertools
import json
import sys

CONN_IDS = itertools.count(1)


def pattern(n):
    block = bytes(i % 251 for i in range(251))
    reps, rest = divmod(n, 251)
    return block * reps + block[:rest]


async def read_head(reader):
    data = await reader.readuntil(b"\r\n\r\n")
    lines = data[:-4].split(b"\r\n")
    method, target, version = lines[0].decode("latin-1").split(" ", 2)
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.append((name.decode("latin-1"), value.strip().decode("latin-1")))
    return method, target, version, headers


def header(headers, name):
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


async def read_body(reader, headers):
    te = header(headers, "transfer-encoding")
    if te and te.lower().endswith("chunked"):
        body = bytearray()
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                return bytes(body)
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    length = int(header(headers, "content-length") or 0)
    h = hashlib.sha256()
    remaining = length
    while remaining:
        chunk = await reader.read(min(remaining, 1 << 20))
        if not chunk:
            raise ConnectionError("short body")
        h.update(chunk)
        remaining -= len(chunk)
    return h, length


def response(status, body=b"", headers=(), reason="OK"):
    lines = [f"HTTP/1.1 {status} {reason}"]
    lines += [f"{k}: {v}" for k, v in headers]
    if status not in (204, 304) and not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in headers):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def handle(reader, writer):
    conn_id = next(CONN_IDS)
    served = 0
    try:
        while True:
            try:
                method, target, version, headers = await read_head(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            served += 1
            path = target.split("?", 1)[0]
            parts = path.strip("/").split("/")
            body_info = await read_body(reader, headers) if method in ("POST", "PUT", "PATCH") or header(headers, "content-length") or header(headers, "transfer-encoding") else (hashlib.sha256(), 0)
            if isinstance(body_info, bytes):
                digest, length = hashlib.sha256(body_info).hexdigest(), len(body_info)
            else:
                digest, length = body_info[0].hexdigest(), body_info[1]
            keep = not (header(headers, "connection") or "").lower() == "close"
            head_only = method == "HEAD"

            async def send(data):
                writer.write(data)
                await writer.drain()

            def json_body(obj, status=200, extra=()):
                b = json.dumps(obj).encode()
                out = response(status, b, [("Content-Type", "application/json")] + list(extra))
                return out if not head_only else out[: out.index(b"\r\n\r\n") + 4]

            name = parts[0]
            if name == "echo":
                await send(json_body({"method": method, "target": target, "version": version,
                                      "headers": headers, "bodyLength": length, "bodySha256": digest}))
            elif name == "upload":
                await send(json_body({"length": length, "sha256": digest}))
            elif name == "bytes":
                n = int(parts[1])
                writer.write(f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {n}\r\n\r\n".encode())
                if not head_only:
                    block = pattern(251 * 4096)
                    remaining = n
                    while remaining:
                        piece = block[: min(remaining, len(block))]
                        writer.write(piece)
                        remaining -= len(piece)
                        await writer.drain()
                await writer.drain()
            elif name == "chunked":
                n, k = int(parts[1]), int(parts[2])
                data = pattern(n)
                size = max(1, -(-n // k)) if n else 1
                out = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                for i in range(0, n, size):
                    piece = data[i:i + size]
                    out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
                out += b"0\r\nX-Checksum: " + hashlib.sha256(data).hexdigest().encode() + b"\r\n\r\n"
                await send(out)
            elif name == "close":
                n = int(parts[1])
                await send(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n" + pattern(n))
                return
            elif name == "sse":
                n, ms = int(parts[1]), int(parts[2])
                await send(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n")
                for i in range(n):
                    event = f"id: {i}\ndata: event {i}\n\n".encode()
                    await send(f"{len(event):x}\r\n".encode() + event + b"\r\n")
                    await asyncio.sleep(ms / 1000)
                await send(b"0\r\n\r\n")
            elif name == "status":
                code = int(parts[1])
                if code in (204, 304):
                    await send(response(code, b"", reason="X"))
                else:
                    await send(json_body({"status": code}, status=code))
            elif name == "cookies":
                await send(response(200, b"ok", [("Set-Cookie", "a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT"),
                                                  ("Set-Cookie", "b=2; Path=/"), ("set-cookie", "c=3")]))
            elif name == "slow-head":
                await asyncio.sleep(int(parts[1]) / 1000)
                await send(json_body({"slow": True}))
            elif name == "slow-body":
                await send(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345")
                await asyncio.sleep(int(parts[1]) / 1000)
                await send(b"67890")
            elif name == "drop":
                return
            elif name == "flaky":
                if served > 1:
                    return
                await send(json_body({"connection": conn_id, "served": served}))
            elif name == "conn":
                host, port = writer.get_extra_info("sockname")[:2]
                await send(json_body({"connection": conn_id, "served": served, "address": f"{host}:{port}"}))
            elif name == "interim":
                await send(b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")
                await send(json_body({"after": "interim"}))
            elif name == "ws":
                key = header(headers, "sec-websocket-key") or ""
                accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
                await send(f"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n".encode())
                while True:
                    data = await reader.read(65536)
                    if not data:
                        return
                    await send(data)
            else:
                await send(json_body({"error": "not found"}, status=404))
            if not keep or version == "HTTP/1.0":
                return
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        try:
            writer.close()
        except Exception:  # noqa: BLE001
            pass


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    server = await asyncio.start_server(handle, args.host, args.port, limit=1 << 20)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
