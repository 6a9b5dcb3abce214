#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Minimal QMP client for the e2e harness: hot-add and hot-remove a
vhost-user-fs-ccw device. Values arrive as argv and go out through json.dumps,
so tags and paths are never re-parsed by a shell."""

import argparse
import json
import socket
import sys
import time


class Qmp:
    def __init__(self, path, timeout):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buf = b""
        self.events = []
        greeting = self._read()
        if "QMP" not in greeting:
            raise RuntimeError(f"unexpected greeting {greeting}")
        self.execute("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        msg = json.loads(line)
        print(f"<- {json.dumps(msg)}", file=sys.stderr)
        return msg

    def execute(self, cmd, **args):
        req = {"execute": cmd}
        if args:
            req["arguments"] = args
        print(f"-> {json.dumps(req)}", file=sys.stderr)
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        while True:
            msg = self._read()
            if "event" in msg:
                self.events.append(msg)
            elif "error" in msg:
                raise RuntimeError(f"{cmd}: {msg['error'].get('desc', msg['error'])}")
            elif "return" in msg:
                return msg["return"]

    def wait_event(self, name, device, deadline):
        while time.monotonic() < deadline:
            for ev in self.events:
                if ev.get("event") == name and ev.get("data", {}).get("device") == device:
                    return
            self.events.clear()
            msg = self._read()
            if "event" in msg:
                self.events.append(msg)
        raise RuntimeError(f"no {name} event for {device}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("--timeout", type=float, default=30)
    sub = ap.add_subparsers(dest="action", required=True)
    add = sub.add_parser("hotplug-add")
    add.add_argument("--id", required=True)
    add.add_argument("--chardev", required=True)
    add.add_argument("--vhost-socket", required=True)
    add.add_argument("--tag", required=True)
    add.add_argument("--devno")
    rm = sub.add_parser("hotplug-del")
    rm.add_argument("--id", required=True)
    rm.add_argument("--chardev", required=True)
    a = ap.parse_args()

    try:
        q = Qmp(a.socket, a.timeout)
        if a.action == "hotplug-add":
            q.execute("chardev-add", id=a.chardev, backend={
                "type": "socket",
                "data": {"addr": {"type": "unix", "data": {"path": a.vhost_socket}},
                         "server": False}})
            dev = {"driver": "vhost-user-fs-ccw", "id": a.id, "chardev": a.chardev, "tag": a.tag}
            if a.devno:
                dev["devno"] = a.devno
            q.execute("device_add", **dev)
        else:
            q.execute("device_del", id=a.id)
            # CCW needs no guest acknowledgement, but wait for QEMU to finish.
            q.wait_event("DEVICE_DELETED", a.id, time.monotonic() + a.timeout)
            q.execute("chardev-remove", id=a.chardev)
    except (OSError, RuntimeError, ValueError) as e:
        print(f"qmp: {a.action}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
