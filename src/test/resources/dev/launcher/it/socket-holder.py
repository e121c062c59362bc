#!/usr/bin/env python3
"""Plays systemd's part for a socket-activated service (Accept=no, StandardInput=socket), for the tests.

  socket-holder.py hold DIR BACKLOG   binds 127.0.0.1:0 and listens; prints "port N" and "pid N"; then hands a
                                      copy of the listening socket to each `exec` that asks on DIR/holder.sock,
                                      and keeps its own copy, so that the socket and its queue outlive each
                                      process. Exits, closing it, when its standard input ends or after 10 min.
  socket-holder.py exec DIR CMD...    gets the listening socket from the holder, makes it standard input (the
                                      rest is inherited) and execs CMD: CMD's pid is this process's pid.
"""
import os
import selectors
import socket
import sys
import time

LIFETIME_SECONDS = 600


def hold(directory, backlog):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(backlog)
    path = os.path.join(directory, "holder.sock")
    handout = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    handout.bind(path)
    handout.listen(16)
    print("port", listener.getsockname()[1], flush=True)
    print("pid", os.getpid(), flush=True)
    events = selectors.DefaultSelector()
    events.register(sys.stdin, selectors.EVENT_READ, "stdin")
    events.register(handout, selectors.EVENT_READ, "handout")
    deadline = time.monotonic() + LIFETIME_SECONDS
    while time.monotonic() < deadline:
        for key, _ in events.select(timeout=deadline - time.monotonic()):
            if key.data == "stdin":
                if not sys.stdin.buffer.read1(4096):
                    return
            else:
                client, _ = handout.accept()
                with client:
                    client.sendmsg([b"L"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                             listener.fileno().to_bytes(4, sys.byteorder))])
                print("handed", flush=True)


def execute(directory, command):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as asker:
        asker.connect(os.path.join(directory, "holder.sock"))
        _, ancillary, _, _ = asker.recvmsg(1, socket.CMSG_SPACE(4))
    level, kind, data = ancillary[0]
    assert level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS, ancillary
    fd = int.from_bytes(data[:4], sys.byteorder)
    os.dup2(fd, 0)  # dup2 clears close-on-exec on the new descriptor
    os.close(fd)
    os.execvp(command[0], command)


if __name__ == "__main__":
    if sys.argv[1] == "hold":
        hold(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "exec":
        execute(sys.argv[2], sys.argv[3:])
    else:
        sys.exit("usage: socket-holder.py hold DIR BACKLOG | exec DIR CMD...")
