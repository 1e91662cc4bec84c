"""Partner servers for the runtime connection tests: an OPC UA server and an S7 server on loopback."""

from __future__ import annotations

import asyncio
import struct
import threading
import time
from typing import TYPE_CHECKING, Any

from asyncua import Server, ua
from asyncua.crypto.cert_gen import setup_self_signed_certificate
from asyncua.crypto.permission_rules import User, UserRole
from cryptography.x509.oid import ExtendedKeyUsageOID

from engineering_api.runtime.opcua.server import free_port
from tests.api.runtime_users import RT
from tools.bounds import HANG_GUARD_S

if TYPE_CHECKING:
    from pathlib import Path


__all__ = ("CONN", "OpcUaTestServer", "S7TestServer")

CONN = f"{RT}/connections"


class OpcUaTestServer:
    """A plain asyncua server in a thread: ``ns=2;s=Speed`` (Float, writable), ``ns=2;s=Count`` (Int16, read-only)."""

    def __init__(self, secure_in: Path | None = None) -> None:
        self.secure_in = secure_in
        """Basic256Sha256 SignAndEncrypt with a user ``ua`` (password ``s3cret-pw``) only, keys in this folder."""
        self.port = free_port()
        self.url = f"opc.tcp://127.0.0.1:{self.port}"
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self._main(),), daemon=True)

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        server = Server(user_manager=_OnlyUa() if self.secure_in else None)
        await server.init()
        server.set_endpoint(f"{self.url}/")
        if self.secure_in is None:
            server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        else:
            key, cert = self.secure_in / "server-key.pem", self.secure_in / "server-cert.der"
            await setup_self_signed_certificate(key, cert, "urn:test-plc", "localhost",
                                                [ExtendedKeyUsageOID.SERVER_AUTH], {"commonName": "test PLC"})
            await server.load_certificate(str(cert))
            await server.load_private_key(str(key))
            server.set_security_policy([ua.SecurityPolicyType.Basic256Sha256_SignAndEncrypt])
            server.set_identity_tokens([ua.UserNameIdentityToken])
        ns = await server.register_namespace("urn:test-plc")
        assert ns == 2
        plc = await server.nodes.objects.add_object(ua.NodeId("PLC", 2), "PLC")
        speed = await plc.add_variable(ua.NodeId("Speed", 2), "Speed", ua.Variant(1.5, ua.VariantType.Float))
        await speed.set_writable()
        await plc.add_variable(ua.NodeId("Count", 2), "Count", ua.Variant(7, ua.VariantType.Int16))
        async with server:
            self._ready.set()
            await self._stop.wait()

    def __enter__(self) -> OpcUaTestServer:
        self._thread.start()
        # asyncua builds the whole standard address space before it listens: seconds on a quiet machine, tens of
        # seconds on a loaded one; a server that failed ends its thread, which ends the wait at once
        deadline = time.monotonic() + HANG_GUARD_S
        while not self._ready.wait(0.1):
            assert self._thread.is_alive(), "the OPC UA test server failed to start"
            assert time.monotonic() < deadline, f"the OPC UA test server was not ready in {HANG_GUARD_S} s"
        return self

    def __exit__(self, *_exc: object) -> None:
        stop = self._stop
        assert stop is not None  # made by _main before __enter__ saw the server ready
        self._loop.call_soon_threadsafe(stop.set)
        self._thread.join(HANG_GUARD_S)


class _OnlyUa:
    """Lets in the user ``ua`` with the right password, no one else."""

    def get_user(self, _iserver: Any, username: str | None = None, password: str | None = None,
                 certificate: Any = None) -> Any:
        return User(role=UserRole.User) if (username, password) == ("ua", "s3cret-pw") else None


class S7TestServer:
    """A python-snap7 server with DB1 (or ``db_number``): Real at 0, Int at 4, bits at 6."""

    def __init__(self, db_number: int = 1) -> None:
        from snap7.server import Server as S7Server
        from snap7.type import SrvArea

        self.db1 = bytearray(32)
        self.db1[0:4] = struct.pack(">f", 21.5)
        self.db1[4:6] = struct.pack(">h", -3)
        self.db1[6] = 0b10
        self.port = free_port()
        self.server = S7Server(log=False)
        self.server.register_area(SrvArea.DB, db_number, self.db1)

    def __enter__(self) -> S7TestServer:
        self.server.start(tcp_port=self.port)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.stop()
        self.server.destroy()
