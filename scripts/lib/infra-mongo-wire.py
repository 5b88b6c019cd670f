#!/usr/bin/env python3
"""Minimal MongoDB wire-protocol client (standard library only) used by scripts/infra.

  infra-mongo-wire.py ping PORT              succeeds when the server answers {ping: 1} with ok: 1
  infra-mongo-wire.py smoke PORT             insert + find + drop in database infra_check
  infra-mongo-wire.py rs-init PORT NAME      initiates a single-node replica set (127.0.0.1:PORT)
                                             if needed and waits until the node is primary
  infra-mongo-wire.py version PORT           prints the server's buildInfo version
"""
import socket
import struct
import sys
import time

HOST = "127.0.0.1"


def _cstring(value):
    return value.encode() + b"\0"


def encode(doc):
    out = b""
    for key, value in doc.items():
        k = _cstring(key)
        if isinstance(value, bool):
            out += b"\x08" + k + (b"\x01" if value else b"\x00")
        elif isinstance(value, int):
            if -(2**31) <= value < 2**31:
                out += b"\x10" + k + struct.pack("<i", value)
            else:
                out += b"\x12" + k + struct.pack("<q", value)
        elif isinstance(value, float):
            out += b"\x01" + k + struct.pack("<d", value)
        elif isinstance(value, str):
            data = value.encode()
            out += b"\x02" + k + struct.pack("<i", len(data) + 1) + data + b"\0"
        elif isinstance(value, dict):
            out += b"\x03" + k + encode(value)
        elif isinstance(value, list):
            out += b"\x04" + k + encode({str(i): v for i, v in enumerate(value)})
        elif value is None:
            out += b"\x0a" + k
        else:
            raise TypeError("cannot encode %r" % type(value))
    return struct.pack("<i", len(out) + 5) + out + b"\0"


def decode(buf, pos=0):
    (size,) = struct.unpack_from("<i", buf, pos)
    end, pos, doc = pos + size - 1, pos + 4, {}
    while pos < end:
        kind = buf[pos]
        nul = buf.index(b"\0", pos + 1)
        key, pos = buf[pos + 1 : nul].decode(), nul + 1
        if kind == 0x01:
            (value,) = struct.unpack_from("<d", buf, pos)
            pos += 8
        elif kind in (0x02, 0x0D, 0x0E):
            (n,) = struct.unpack_from("<i", buf, pos)
            value, pos = buf[pos + 4 : pos + 3 + n].decode(), pos + 4 + n
        elif kind in (0x03, 0x04):
            (n,) = struct.unpack_from("<i", buf, pos)
            value, pos = decode(buf, pos), pos + n
            if kind == 0x04:
                value = list(value.values())
        elif kind == 0x05:
            (n,) = struct.unpack_from("<i", buf, pos)
            value, pos = buf[pos + 5 : pos + 5 + n], pos + 5 + n
        elif kind == 0x07:
            value, pos = buf[pos : pos + 12].hex(), pos + 12
        elif kind == 0x08:
            value, pos = buf[pos] != 0, pos + 1
        elif kind in (0x09, 0x11, 0x12):
            (value,) = struct.unpack_from("<q", buf, pos)
            pos += 8
        elif kind in (0x06, 0x0A, 0x7F, 0xFF):
            value = None
        elif kind == 0x0B:
            first = buf.index(b"\0", pos)
            second = buf.index(b"\0", first + 1)
            value, pos = buf[pos:first].decode(), second + 1
        elif kind == 0x10:
            (value,) = struct.unpack_from("<i", buf, pos)
            pos += 4
        elif kind == 0x13:
            value, pos = buf[pos : pos + 16].hex(), pos + 16
        else:
            raise ValueError("unsupported BSON type 0x%02x" % kind)
        doc[key] = value
    return doc


class Connection:
    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection((HOST, int(port)), timeout=timeout)
        self.request_id = 0

    def _recv(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("connection closed by server")
            data += chunk
        return data

    def command(self, cmd, db="admin"):
        self.request_id += 1
        body = struct.pack("<I", 0) + b"\0" + encode(dict(cmd, **{"$db": db}))
        self.sock.sendall(struct.pack("<iiii", 16 + len(body), self.request_id, 0, 2013) + body)
        length, _, _, opcode = struct.unpack("<iiii", self._recv(16))
        data = self._recv(length - 16)
        if opcode != 2013:
            raise ValueError("unexpected reply opcode %d" % opcode)
        return decode(data, 5)  # skip flagBits (4 bytes) and the section kind (1 byte)


def ok(reply):
    return reply.get("ok") in (1, 1.0, True)


def check(reply, what):
    if not ok(reply):
        raise RuntimeError("%s failed: %s" % (what, reply.get("errmsg", reply)))
    return reply


def rs_init(conn, port, name, timeout=60):
    status = conn.command({"replSetGetStatus": 1})
    if not ok(status):
        if status.get("code") != 94:  # NotYetInitialized
            raise RuntimeError("replSetGetStatus failed: %s" % status.get("errmsg", status))
        config = {"_id": name, "members": [{"_id": 0, "host": "%s:%s" % (HOST, port)}]}
        check(conn.command({"replSetInitiate": config}), "replSetInitiate")
    deadline = time.time() + timeout
    while time.time() < deadline:
        hello = conn.command({"hello": 1})
        if hello.get("isWritablePrimary"):
            return
        time.sleep(0.3)
    raise RuntimeError("replica set %s did not elect a primary within %ss" % (name, timeout))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    action, port = argv[1], argv[2]
    conn = Connection(port)
    if action == "ping":
        check(conn.command({"ping": 1}), "ping")
    elif action == "version":
        print(check(conn.command({"buildInfo": 1}), "buildInfo").get("version", "unknown"))
    elif action == "smoke":
        check(conn.command({"insert": "check", "documents": [{"n": 1, "s": "x"}]}, "infra_check"), "insert")
        found = check(conn.command({"find": "check", "filter": {"n": 1}}, "infra_check"), "find")
        if not found["cursor"]["firstBatch"]:
            raise RuntimeError("inserted document not found")
        check(conn.command({"dropDatabase": 1}, "infra_check"), "dropDatabase")
    elif action == "rs-init":
        rs_init(conn, port, argv[3] if len(argv) > 3 else "rs0")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except (OSError, RuntimeError, ValueError) as err:
        print("mongo-wire: %s" % err, file=sys.stderr)
        sys.exit(1)
