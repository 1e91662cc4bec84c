"""A TCP proxy that can go silent: it keeps every connection open but stops passing bytes on, as a paused server,
a paused host or a partition that drops packets does (the kernel still accepts and acknowledges what a client
sends, so the client's socket reports nothing). Resumed, it passes on what waited meanwhile."""

from __future__ import annotations

import selectors
import socket
import threading

__all__ = ("SilentProxy",)


def _readable(sock: socket.socket, timeout: float) -> bool:
    """Whether ``sock`` has something to read within ``timeout``: on the system's selector, since ``select.select``
    fails for a descriptor of 1024 or more (a long test process holds that many)."""
    with selectors.DefaultSelector() as selector:
        selector.register(sock, selectors.EVENT_READ)
        return bool(selector.select(timeout))


class SilentProxy:
    """Forwards 127.0.0.1:``port`` to ``target_port`` until :meth:`pause`, and again after :meth:`resume`."""

    def __init__(self, target_port: int) -> None:
        self._target = ("127.0.0.1", target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._flowing = threading.Event()
        self._flowing.set()
        self._stopped = threading.Event()
        self._sockets: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def pause(self) -> None:
        """Stop passing bytes on (connections stay open, new ones are accepted)."""
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            if not _readable(self._listener, 0.1):
                continue
            try:
                client, _ = self._listener.accept()
                upstream = socket.create_connection(self._target)
            except OSError:
                continue
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                thread = threading.Thread(target=self._pump, args=(source, sink), daemon=True)
                thread.start()
                self._threads.append(thread)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while not self._stopped.is_set():
                if not self._flowing.wait(0.1):
                    continue
                if not _readable(source, 0.1) or not self._flowing.is_set():
                    continue
                chunk = source.recv(65536)
                if not chunk:
                    break
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self._stopped.set()
        for thread in self._threads:
            thread.join(5)
        for sock in (self._listener, *self._sockets):
            sock.close()
