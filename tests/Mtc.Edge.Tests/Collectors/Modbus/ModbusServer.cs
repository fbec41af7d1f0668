using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mtc.Edge.Tests.Collectors.Modbus;

/// <summary>
/// A real Modbus TCP server (pymodbus, Debian's python3-pymodbus) serving an ADAM-6050 register map, as a child process on
/// 127.0.0.1; the test drives it through its standard input (see adam6050.py). Killed on dispose.
/// </summary>
internal sealed class ModbusServer : IDisposable
{
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Collectors", "Modbus", "adam6050.py");
    private readonly Process _process;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private ModbusServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Process Process => _process;

    /// <summary>Starts the server on <paramref name="port"/> (0: a free one) with <paramref name="units"/> unit ids (1..units).</summary>
    public static async Task<ModbusServer> StartAsync(int port = 0, int units = 1, params string[] init)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Script);
        psi.ArgumentList.Add("--port");
        psi.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("--units");
        psi.ArgumentList.Add(units.ToString(CultureInfo.InvariantCulture));
        foreach (var i in init)
        {
            psi.ArgumentList.Add("--init");
            psi.ArgumentList.Add(i);
        }
        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(cts.Token);
        if (line is null || !line.StartsWith("listening ", StringComparison.Ordinal))
        {
            process.Kill();
            process.Dispose();
            throw new InvalidOperationException($"the Modbus server did not start: {line}");
        }
        return new ModbusServer(process, int.Parse(line["listening ".Length..], CultureInfo.InvariantCulture));
    }

    /// <summary>A free TCP port on 127.0.0.1 (to restart a server where it was).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public Task SetAsync(int channel, long value, int unit = 1) =>
        CommandAsync(string.Create(CultureInfo.InvariantCulture, $"set {unit} {channel} {value}"));

    public Task InputAsync(int channel, bool on, int unit = 1) =>
        CommandAsync(string.Create(CultureInfo.InvariantCulture, $"input {unit} {channel} {(on ? 1 : 0)}"));

    public Task ModeAsync(string mode, int arg = 0) =>
        CommandAsync(string.Create(CultureInfo.InvariantCulture, $"mode {mode} {arg}"));

    private async Task CommandAsync(string command)
    {
        await _gate.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var answer = await _process.StandardOutput.ReadLineAsync(cts.Token);
            if (answer != "ok")
            {
                throw new InvalidOperationException($"{command}: {answer}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _gate.Dispose();
    }
}
