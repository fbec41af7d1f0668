using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Mtc.Simulator;

namespace Mtc.Cli.Commands;

/// <summary><c>mtc sim</c>: an MTConnect agent replaying an SHDR log or generating machines.</summary>
internal static class SimCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var port = new Option<int>("--port") { Description = "TCP port to listen on (0 = any free port; the bound URL is printed)", DefaultValueFactory = _ => 5000 };
        var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0 for every interface)", DefaultValueFactory = _ => "127.0.0.1" };
        var version = new Option<string>("--version") { Description = $"MTConnect schema version served ({string.Join(", ", SimulatorOptionsInfo.Versions)})", DefaultValueFactory = _ => SimulatorOptions.DefaultVersion };
        var buffer = new Option<int>("--buffer") { Description = "Observations kept in the ring buffer", DefaultValueFactory = _ => SimulatorOptions.DefaultBufferSize };
        var generate = new Option<int>("--generate") { Description = "Generate N realistic machines (cycles, setups, feed holds, alarms, availability drops)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the generated machines: the same seed gives the same machines and data", DefaultValueFactory = _ => 1 };
        var devices = new Option<string?>("--devices") { Description = "Devices.xml whose device models are served (with --shdr or --adapter)" };
        var shdr = new Option<string?>("--shdr") { Description = "SHDR log to replay (plain or .gz); timestamps are moved to now" };
        var device = new Option<string?>("--device") { Description = "Device (name, uuid or id) the log or adapter feeds; default the first of --devices" };
        var speed = new Option<double>("--speed") { Description = "Run the log or the generated machines N times faster than real time", DefaultValueFactory = _ => 1 };
        var loop = new Option<bool>("--loop") { Description = "Start the log over when it ends" };
        var maxGap = new Option<double>("--max-gap") { Description = "Longest pause replayed between two log lines, in seconds (longer silences are shortened)", DefaultValueFactory = _ => 300 };
        var adapter = new Option<string?>("--adapter") { Description = "HOST:PORT of a live SHDR adapter feeding --device (the simulator is then a minimal agent)" };
        var mqtt = new Option<string?>("--mqtt") { Description = "HOST:PORT of an MQTT broker to publish to as cppagent's MQTT sink does: retained MTConnect/Probe/<uuid> and MTConnect/Current/<uuid>, MTConnect/Sample/<uuid> every 500 ms (JSON v2)" };
        var mqttPrefix = new Option<string>("--mqtt-prefix") { Description = "First topic level of what --mqtt publishes", DefaultValueFactory = _ => "MTConnect" };
        var mqttTopics = new Option<string>("--mqtt-topics")
        {
            Description = "Topic layout of --mqtt: Documents (cppagent's MQTT sink) or Entities (cppagent's MQTT entity sink, one message per observation)",
            DefaultValueFactory = _ => "Documents",
        };
        var quirks = new Option<string>("--quirks")
        {
            Description = "Behave like this agent where clients notice a difference: "
                + string.Join("; ", SimulatorOptionsInfo.QuirkProfiles.Select(p => $"{p.Name} = {p.Summary}")),
            DefaultValueFactory = _ => SimulatorOptions.DefaultQuirks,
        };

        var command = new Command("sim", "An MTConnect agent (probe, current, sample, assets; streaming) that replays an SHDR log or generates machines. "
            + "Faults for tests: POST /_sim/restart[?down=SECONDS], /_sim/stall?seconds=N, /_sim/drop.")
        {
            port, host, version, quirks, buffer, generate, seed, devices, shdr, device, speed, loop, maxGap, adapter, mqtt, mqttPrefix, mqttTopics,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new SimulatorOptions
            {
                Port = parse.GetValue(port),
                Host = parse.GetValue(host)!,
                Version = parse.GetValue(version)!,
                Quirks = parse.GetValue(quirks)!,
                BufferSize = parse.GetValue(buffer),
                Generate = parse.GetValue(generate),
                Seed = parse.GetValue(seed),
                DevicesFile = parse.GetValue(devices),
                ShdrLog = parse.GetValue(shdr),
                Device = parse.GetValue(device),
                Speed = parse.GetValue(speed),
                Loop = parse.GetValue(loop),
                MaxReplayGap = TimeSpan.FromSeconds(Math.Max(0, parse.GetValue(maxGap))),
                Adapter = parse.GetValue(adapter),
                Mqtt = parse.GetValue(mqtt),
                MqttTopicPrefix = parse.GetValue(mqttPrefix)!,
                MqttTopics = parse.GetValue(mqttTopics)!,
            };
            if (options.Validate() is { } problem)
            {
                await stderr.WriteLineAsync($"mtc sim: {problem}").ConfigureAwait(false);
                return 2;
            }

            using var logging = LoggerFactory.Create(b => b.AddProvider(new TextWriterLoggerProvider(stderr)));
            SimulatorHost agentHost;
            try
            {
                agentHost = await SimulatorHost.StartAsync(options, logging, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is InvalidDataException or FileNotFoundException or DirectoryNotFoundException or ArgumentException)
            {
                await stderr.WriteLineAsync($"mtc sim: {error.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (IOException error)
            {
                await stderr.WriteLineAsync($"mtc sim: cannot listen on {options.Host}:{options.Port.ToString(CultureInfo.InvariantCulture)}: {error.Message}").ConfigureAwait(false);
                return 1;
            }

            await using (agentHost.ConfigureAwait(false))
            {
                await stdout.WriteLineAsync($"mtc sim: MTConnect agent listening on {agentHost.BaseAddress}").ConfigureAwait(false);
                await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C or SIGTERM: stop cleanly.
                }
            }

            return 0;
        });
        return command;
    }
}
