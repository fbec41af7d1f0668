"""An ADAM-6050-like Modbus TCP module for the edge's tests, served by pymodbus (Debian's python3-pymodbus 3.0).

Input registers from address 0: two per channel, a 32-bit counter low word first; discrete inputs: one per channel.
Prints "listening PORT" once it accepts connections. Commands on stdin, one per line, each answered "ok" (or "error ..."):
  set UNIT CHANNEL VALUE     the channel's counter (0 to 2**32-1)
  input UNIT CHANNEL 0|1     the channel's input state
  mode normal                answer as a module does
  mode close                 close the connection after each answer
  mode silent                read requests, answer nothing
  mode exception CODE        answer every request with exception CODE
  mode stale                 before each answer, send an answer with another transaction id
  mode hostile               answer with a header announcing 65535 bytes, then close
"""
import argparse
import asyncio
import logging
import struct
import sys
import threading

from pymodbus.datastore import ModbusSequentialDataBlock, ModbusServerContext, ModbusSlaveContext
from pymodbus.server.async_io import ModbusConnectedRequestHandler, ModbusTcpServer

CHANNELS = 12
state = {"mode": "normal", "arg": 0}


def frame(tid, unit, pdu):
    return struct.pack(">HHHB", tid, 0, len(pdu) + 1, unit) + pdu


def manipulate(response):
    mode = state["mode"]
    tid, unit, fc = response.transaction_id, response.unit_id, response.function_code
    if mode == "silent":
        return b"", True
    if mode == "exception":
        return frame(tid, unit, bytes([fc | 0x80, state["arg"]])), True
    if mode == "hostile":
        return struct.pack(">HHHB", tid, 0, 65535, unit) + b"\x04\xff", True
    pdu = bytes([fc]) + response.encode()
    if mode == "stale":
        return frame((tid - 1) & 0xFFFF, unit, pdu) + frame(tid, unit, pdu), True
    return frame(tid, unit, pdu), True


class Handler(ModbusConnectedRequestHandler):
    def _send_(self, data):
        if data:
            self.transport.write(data)
        if state["mode"] in ("close", "hostile"):
            self.transport.close()


def commands(slaves):
    for line in sys.stdin:
        parts = line.split()
        try:
            if parts[0] == "set":
                unit, channel, value = int(parts[1]), int(parts[2]), int(parts[3])
                slaves[unit].setValues(4, 2 * channel, [value & 0xFFFF, (value >> 16) & 0xFFFF])
            elif parts[0] == "input":
                unit, channel, value = int(parts[1]), int(parts[2]), int(parts[3])
                slaves[unit].setValues(2, channel, [bool(value)])
            elif parts[0] == "mode":
                state["mode"] = parts[1]
                state["arg"] = int(parts[2]) if len(parts) > 2 else 0
            else:
                raise ValueError("unknown command " + parts[0])
            print("ok", flush=True)
        except Exception as e:  # the test reads the reason
            print("error " + str(e), flush=True)


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--units", type=int, default=1)
    p.add_argument("--init", action="append", default=[], help="UNIT:CHANNEL:VALUE, a counter's value at start")
    args = p.parse_args()
    logging.basicConfig(level=logging.CRITICAL)
    slaves = {
        u: ModbusSlaveContext(
            di=ModbusSequentialDataBlock(0, [False] * (CHANNELS + 8)),
            ir=ModbusSequentialDataBlock(0, [0] * (2 * CHANNELS + 2)),
            zero_mode=True)
        for u in range(1, args.units + 1)
    }
    for init in args.init:
        unit, channel, value = (int(x) for x in init.split(":"))
        slaves[unit].setValues(4, 2 * channel, [value & 0xFFFF, (value >> 16) & 0xFFFF])
    context = ModbusServerContext(slaves=slaves, single=False)
    server = ModbusTcpServer(context, handler=Handler, address=("127.0.0.1", args.port),
                             allow_reuse_address=True, response_manipulator=manipulate)
    task = asyncio.ensure_future(server.serve_forever())
    await server.serving
    print("listening %d" % server.server.sockets[0].getsockname()[1], flush=True)
    threading.Thread(target=commands, args=(slaves,), daemon=True).start()
    await task


asyncio.run(main())
