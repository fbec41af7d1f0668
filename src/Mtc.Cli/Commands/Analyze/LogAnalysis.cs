using System.IO.Compression;
using System.Text;
using Mtc.Core;
using Mtc.Core.Analytics;
using Mtc.Core.Model;
using Mtc.Core.Xml;

namespace Mtc.Cli.Commands.Analyze;

/// <summary>Reads the devices file and the log, runs one analyzer over the device's observations.</summary>
internal static class LogAnalysis
{
    public static MachineReport Run(AnalyzeRequest request, CancellationToken cancellationToken)
    {
        if (!(request.CounterIdleMinutes > 0) || double.IsInfinity(request.CounterIdleMinutes))
        {
            throw new AnalyzeException(AnalyzeException.BadUsage, "--counter-idle-minutes must be a positive number");
        }

        var device = PickDevice(ReadDevices(request.DevicesPath), request);
        var options = new AnalyticsOptions { CounterIdleAfter = TimeSpan.FromMinutes(request.CounterIdleMinutes) };
        var analyzer = new MachineAnalyzer(device, options);
        var feed = new ShdrDeviceFeed(device);
        var events = new List<MachineEvent>();
        using (var log = new StreamReader(Open(request.LogPath), Encoding.UTF8))
        {
            foreach (var observation in feed.Read(log))
            {
                analyzer.Observe(observation);
                if (analyzer.Observations % 65536 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    events.AddRange(analyzer.TakeEvents());
                }
            }
        }

        if (analyzer.Observations == 0)
        {
            var why = feed.FirstError is { } error ? $"; first malformed line: {error.Describe()}" : "";
            throw new AnalyzeException(
                AnalyzeException.BadUsage,
                $"{request.LogPath}: no observation of device '{device.Name ?? device.Id}' in {feed.Lines} lines ({feed.MalformedLines} malformed{why})");
        }

        analyzer.Finish();
        events.AddRange(analyzer.TakeEvents());
        return MachineReport.Create(device, analyzer, events, feed);
    }

    private static DevicesDocument ReadDevices(string path)
    {
        try
        {
            using var stream = Open(path);
            return MtConnectXml.ReadDevices(stream);
        }
        catch (MtConnectFormatException ex)
        {
            var where = ex.Line > 0 ? $"{path}:{ex.Line}:{ex.Column}" : path;
            throw new AnalyzeException(AnalyzeException.BadUsage, $"{where}: not a readable devices document: {ex.Message}", ex);
        }
        catch (MtConnectAgentErrorException ex)
        {
            throw new AnalyzeException(AnalyzeException.BadUsage, $"{path}: an agent error document, not a devices document: {ex.Message}", ex);
        }
    }

    private static Device PickDevice(DevicesDocument document, AnalyzeRequest request)
    {
        var devices = document.Devices.Where(d => !d.IsAgent).ToList();
        var names = string.Join(", ", devices.Select(d => d.Name ?? d.Id));
        if (request.Device is { } wanted)
        {
            return devices.FirstOrDefault(d => wanted == d.Name || wanted == d.Uuid || wanted == d.Id)
                ?? throw new AnalyzeException(AnalyzeException.BadUsage, $"{request.DevicesPath} has no device '{wanted}' (it has: {names})");
        }

        return devices.Count switch
        {
            1 => devices[0],
            0 => throw new AnalyzeException(AnalyzeException.BadUsage, $"{request.DevicesPath} declares no device"),
            _ => throw new AnalyzeException(AnalyzeException.BadUsage, $"{request.DevicesPath} has {devices.Count} devices ({names}): pick the one the log feeds with --device"),
        };
    }

    /// <summary>Opens a file, decompressing it when it starts with the gzip magic bytes.</summary>
    private static Stream Open(string path)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new AnalyzeException(AnalyzeException.BadUsage, $"{path}: no such file", ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            throw new AnalyzeException(AnalyzeException.Failure, $"{path}: cannot open the file: {ex.Message}", ex);
        }

        Span<byte> magic = stackalloc byte[2];
        var n = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Seek(0, SeekOrigin.Begin);
        return n == 2 && magic[0] == 0x1F && magic[1] == 0x8B ? new GZipStream(file, CompressionMode.Decompress) : file;
    }
}
