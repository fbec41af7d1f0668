using System.IO.Compression;
using Microsoft.Extensions.Logging;
using Mtc.Simulator;

namespace Mtc.Cli.Commands.Demo;

/// <summary>
/// The demo's real machine: an Okuma OSP-P300 lathe's SHDR log recorded at IMTS 2022, shipped inside <c>mtc</c> with its
/// device model (see <c>ATTRIBUTION.txt</c> beside this file) and replayed in a loop by a second simulator.
/// </summary>
internal static class DemoReplay
{
    /// <summary>The device the demo replays, as its Devices.xml names it.</summary>
    public const string Machine = "OKUMA";

    /// <summary>Replays silence longer than this as this long, so the demo never waits minutes for the next line.</summary>
    private static readonly TimeSpan MaxGap = TimeSpan.FromSeconds(30);

    public static async Task<SimulatorHost> StartAsync(string dataDirectory, double speed, ILoggerFactory logging, CancellationToken ct)
    {
        var folder = Path.Combine(dataDirectory, "replay");
        Directory.CreateDirectory(folder);
        var log = Path.Combine(folder, "okuma.txt.gz");
        var devices = Path.Combine(folder, "Devices.xml");
        await CopyResourceAsync("okuma.txt.gz", log, decompress: false, ct).ConfigureAwait(false);
        await CopyResourceAsync("Devices.xml.gz", devices, decompress: true, ct).ConfigureAwait(false);
        return await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Port = 0,
            DevicesFile = devices,
            ShdrLog = log,
            Device = Machine,
            Speed = speed,
            Loop = true,
            MaxReplayGap = MaxGap,
        }, logging, cancellationToken: ct).ConfigureAwait(false);
    }

    private static async Task CopyResourceAsync(string name, string path, bool decompress, CancellationToken ct)
    {
        var resource = typeof(DemoReplay).Assembly.GetManifestResourceStream("Mtc.Cli.Demo." + name)
            ?? throw new InvalidOperationException($"mtc was built without its demo resource {name}.");
        await using (resource.ConfigureAwait(false))
        {
            var source = decompress ? new GZipStream(resource, CompressionMode.Decompress) : resource;
            await using (source.ConfigureAwait(false))
            {
                var target = File.Create(path);
                await using (target.ConfigureAwait(false))
                {
                    await source.CopyToAsync(target, ct).ConfigureAwait(false);
                }
            }
        }
    }
}
