using Microsoft.Extensions.Options;

namespace Mtc.Edge.Tests.Collectors.Mqtt;

/// <summary><c>Edge:Mqtt</c>: defaults, and one line naming the setting for each mistake.</summary>
public sealed class MqttConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string json) => _dir.Write("edge.json", json);

    [Theory]
    [InlineData("""{"Host":""}""", "Edge:Mqtt:0:Host is required")]
    [InlineData("""{"Host":"b","Port":70000}""", "Edge:Mqtt:0:Port 70000 must be 1-65535")]
    [InlineData("""{"Host":"b","TopicPrefix":"MTConnect/#"}""", "Edge:Mqtt:0:TopicPrefix 'MTConnect/#' must be a topic without wildcards")]
    [InlineData("""{"Host":"b","TopicPrefix":"MTConnect/"}""", "Edge:Mqtt:0:TopicPrefix 'MTConnect/' must be")]
    [InlineData("""{"Host":"b","Password":"p"}""", "Edge:Mqtt:0:Password is set without a Username")]
    [InlineData("""{"Host":"b","Devices":["a/b"]}""", "Edge:Mqtt:0:Devices:0 'a/b' must be a device uuid")]
    [InlineData("""{"Host":"b","KeepAlive":"00:00:00"}""", "Edge:Mqtt:0:KeepAlive must be 1 second to 18 hours")]
    [InlineData("""{"Host":"b","Timeout":"00:00:00.01"}""", "Edge:Mqtt:0:Timeout must be 100 ms to 5 minutes")]
    [InlineData("""{"Host":"b","Topic":"x"}""", "'Topic'")]
    public void Bad_mqtt_settings_stop_the_start_with_one_line_naming_the_setting(string mqtt, string expected)
    {
        var e = Assert.Throws<EdgeConfigurationException>(() => EdgeHost.Build(Write("""{"Edge":{"Id":"e","Mqtt":[""" + mqtt + "]}}")));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_same_broker_and_prefix_twice_and_one_client_id_twice_are_refused()
    {
        var e = Assert.Throws<EdgeConfigurationException>(() => EdgeHost.Build(Write(
            """{"Edge":{"Id":"e","Mqtt":[{"Host":"b","ClientId":"c"},{"Host":"B","ClientId":"c"}]}}""")));
        Assert.Contains("Edge:Mqtt:1 reads the same broker and topic prefix as Edge:Mqtt:0", e.Message, StringComparison.Ordinal);
        Assert.Contains("Edge:Mqtt:1:ClientId 'c' is already the client id of Edge:Mqtt:0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broker_needs_only_its_host()
    {
        var json = """{"Edge":{"Id":"e","DataDirectory":"./d","Http":{"Urls":"http://127.0.0.1:0"},"Mqtt":[{"Host":"broker-1"}]}}""";
        await using var app = EdgeHost.Build(Write(json));
        var m = Assert.Single(((IOptions<EdgeOptions>)app.Services.GetService(typeof(IOptions<EdgeOptions>))!).Value.Mqtt);
        Assert.Equal((1883, "MTConnect", false, "", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10)), (m.Port, m.TopicPrefix, m.Tls, m.ClientId, m.KeepAlive, m.Timeout));
        Assert.Empty(m.Devices);
    }
}
