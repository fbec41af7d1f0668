using System.Text;

namespace Mtc.Simulator.Tests;

public sealed class BadInputTests
{
    [Theory]
    [InlineData("dtd.xml")]
    [InlineData("billion-laughs.xml")]
    [InlineData("external-entity.xml")]
    public async Task A_hostile_devices_file_is_refused_with_its_position(string file)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SimulatorHost.StartAsync(new SimulatorOptions
        {
            Port = 0, DevicesFile = TestAgent.Data("hostile", file),
        }));
        Assert.Matches("line \\d+, column \\d+", error.Message);
    }

    [Fact]
    public async Task Broken_log_lines_are_skipped_and_the_good_ones_replayed()
    {
        var log = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.txt");
        var now = DateTime.UtcNow.ToString("O");
        await File.WriteAllTextAsync(log, new StringBuilder()
            .AppendLine($"{now}|avail|AVAILABLE")
            .AppendLine("not a timestamp|pexecution|ACTIVE")
            .AppendLine($"{now}|ppartcount")
            .AppendLine("|||||")
            .AppendLine($"{now}|@ASSET@|t1|CuttingTool|<CuttingTool><unclosed>")
            .AppendLine($"{now}|nosuchkey|1|pprogram|O1234")
            .ToString());
        try
        {
            await using var agent = await TestAgent.StartAsync(new SimulatorOptions
            {
                DevicesFile = TestAgent.Data("cppagent", "demo", "agent", "Devices.xml"), ShdrLog = log,
            });
            var current = await agent.WaitForCurrentAsync(d => d.Observations().Any(o => o.DataItemId == "Lpprogram" && o.Value == "O1234"), "OKUMA/current");
            Assert.Equal("AVAILABLE", current.Observations().Single(o => o.DataItemId == "Lavail").Value);
            Assert.True(current.Observations().Single(o => o.DataItemId == "Lpexecution").IsUnavailable);
        }
        finally
        {
            File.Delete(log);
        }
    }
}
