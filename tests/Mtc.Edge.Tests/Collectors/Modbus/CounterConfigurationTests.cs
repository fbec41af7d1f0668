using Microsoft.Extensions.Options;

namespace Mtc.Edge.Tests.Collectors.Modbus;

/// <summary><c>Edge:Counters</c>: defaults, and one line naming the setting for each mistake.</summary>
public sealed class CounterConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string json) => _dir.Write("edge.json", json);

    [Theory]
    [InlineData("""{"Host":"","Channels":[{"MachineId":"m","Channel":0}]}""", "Edge:Counters:0:Host is required")]
    [InlineData("""{"Host":"h","Port":0,"Channels":[{"MachineId":"m","Channel":0}]}""", "Edge:Counters:0:Port 0 must be 1-65535")]
    [InlineData("""{"Host":"h","UnitId":256,"Channels":[{"MachineId":"m","Channel":0}]}""", "Edge:Counters:0:UnitId 256 must be 0-255")]
    [InlineData("""{"Host":"h","PollInterval":"00:00:00.01","Channels":[{"MachineId":"m","Channel":0}]}""", "Edge:Counters:0:PollInterval must be at least 100 ms")]
    [InlineData("""{"Host":"h","Timeout":"00:00:00","Channels":[{"MachineId":"m","Channel":0}]}""", "Edge:Counters:0:Timeout must be 50 ms to 1 minute")]
    [InlineData("""{"Host":"h"}""", "Edge:Counters:0:Channels is required")]
    [InlineData("""{"Host":"h","Channels":[{"Channel":0}]}""", "Edge:Counters:0:Channels:0:MachineId is required")]
    [InlineData("""{"Host":"h","Channels":[{"MachineId":"m"}]}""", "Edge:Counters:0:Channels:0:Channel -1 must be 0-61 (it is required)")]
    [InlineData("""{"Host":"h","Channels":[{"MachineId":"m","Channel":62}]}""", "Channel 62 must be 0-61")]
    [InlineData("""{"Host":"h","Channels":[{"MachineId":"m","Channel":1},{"MachineId":"n","Channel":1}]}""", "Edge:Counters:0:Channels:1:Channel 1 is given twice")]
    [InlineData("""{"Host":"h","Channels":[{"MachineId":"m","Channel":1},{"MachineId":"m","Channel":2}]}""", "MachineId 'm' is already the machine of Edge:Counters:0:Channels:0")]
    [InlineData("""{"Host":"h","Chanels":[{"MachineId":"m","Channel":1}]}""", "'Chanels'")]
    [InlineData("""{"Host":"h","Channels":[{"MachineId":"m","Channel":1,"Register":4}]}""", "'Register'")]
    [InlineData("""{"Host":"h","PollInterval":"often","Channels":[{"MachineId":"m","Channel":1}]}""", "'often' at 'Edge:Counters:0:PollInterval'")]
    public void Bad_counter_settings_stop_the_start_with_one_line_naming_the_setting(string counter, string expected)
    {
        var e = Assert.Throws<EdgeConfigurationException>(() => EdgeHost.Build(Write("""{"Edge":{"Id":"e","Counters":[""" + counter + "]}}")));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_same_module_and_unit_twice_is_refused()
    {
        var json = """{"Edge":{"Id":"e","Counters":[{"Host":"h","Channels":[{"MachineId":"a","Channel":0}]},{"Host":"H","Channels":[{"MachineId":"b","Channel":1}]}]}}""";
        var e = Assert.Throws<EdgeConfigurationException>(() => EdgeHost.Build(Write(json)));
        Assert.Contains("Edge:Counters:1 reads the same module and unit as Edge:Counters:0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_counter_needs_only_its_host_and_channels()
    {
        var json = """{"Edge":{"Id":"e","DataDirectory":"./d","Http":{"Urls":"http://127.0.0.1:0"},"Counters":[{"Host":"adam-1","Channels":[{"MachineId":"m","Channel":3}]}]}}""";
        await using var app = EdgeHost.Build(Write(json));
        var c = Assert.Single(((IOptions<EdgeOptions>)app.Services.GetService(typeof(IOptions<EdgeOptions>))!).Value.Counters);
        Assert.Equal((502, 1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), (c.Port, c.UnitId, c.PollInterval, c.Timeout, c.UnavailableAfter));
        Assert.Equal("", Assert.Single(c.Channels).Name);
    }
}
