using Microsoft.Extensions.Configuration;

namespace Mtc.Edge.Tests;

public sealed class ConfigurationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(string json) => _dir.Write("edge.json", json);

    [Theory]
    [InlineData("""{"Edge":{"DataDirectory":"d"}}""", "Edge:Id is required")]
    [InlineData("""{"Edge":{"Id":"e","DataDirectory":":memory:"}}""", "is in memory")]
    [InlineData("""{"Edge":{"Id":"e","Outbox":{"Synchronous":"OFF"}}}""", "Synchronous OFF is refused")]
    [InlineData("""{"Edge":{"Id":"e","Outbox":{"MaxBytes":1000}}}""", "Edge:Outbox:MaxBytes 1000 is below the minimum")]
    [InlineData("""{"Edge":{"Id":"e","Cloud":{"Url":"http://c"}}}""", "Edge:Cloud:ApiKey is required")]
    [InlineData("""{"Edge":{"Id":"e","Cloud":{"Url":"ftp://c","ApiKey":"k"}}}""", "Edge:Cloud:Url 'ftp://c' is not an http(s) URL")]
    [InlineData("""{"Edge":{"Id":"e","Cloud":{"BatchesInFlight":0}}}""", "Edge:Cloud:BatchesInFlight 0 must be 1-16")]
    [InlineData("""{"Edge":{"Id":"e","Agents":[{"Url":"nope"}]}}""", "Edge:Agents:0:Url 'nope' is not an http(s) URL")]
    [InlineData("""{"Edge":{"Id":"e","Agents":[{"Url":"http://a","Count":0}]}}""", "Edge:Agents:0:Count 0 must be 1-1000000")]
    [InlineData("""{"Edge":{"Id":"e","Adapters":[{"Host":"h","Port":7878,"Devices":"missing.xml"}]}}""", "does not exist")]
    [InlineData("""{"Edge":{"Id":"e","Agents":[{"Url":"http://a","Heartbeat":"soon"}]}}""", "'soon' at 'Edge:Agents:0:Heartbeat'")]
    [InlineData("""{"Edge":{"Id":"e","Cloud":{"Heartbeat":"00:00:00.5"}}}""", "Edge:Cloud:Heartbeat must be zero (off) or at least one second.")]
    [InlineData("""{"Edge": {"Id": """, "not valid JSON")]
    [InlineData("""{"Edge":{"Id":"e","Mqtt":[{"Host":"b","Topics":"Entity"}]}}""", "Edge:Mqtt:0:Topics 'Entity' must be Documents (cppagent's MQTT sink) or Entities (its MQTT entity sink).")]
    [InlineData("""{"Edge":{"Id":"e","Mqtt":[{"Host":"b"},{"Host":"c","Topics":"foo"}]}}""", "Edge:Mqtt:1:Topics 'foo' must be Documents (cppagent's MQTT sink) or Entities (its MQTT entity sink).")]
    [InlineData("""{"Edge":{"Id":"e","Mqtt":[{"Host":"b","Topics":""}]}}""", "Edge:Mqtt:0:Topics '' must be Documents")]
    public void Bad_settings_stop_the_start_with_one_line_naming_the_setting(string json, string expected)
    {
        var e = Assert.Throws<EdgeConfigurationException>(() => EdgeHost.Build(Write(json)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        var e = Assert.Throws<EdgeConfigurationException>(() => EdgeHost.Build(_dir.Sub("none.json")));
        Assert.Contains("none.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_overrides_the_file_and_paths_are_relative_to_it()
    {
        var path = Write("""{"Edge":{"Id":"from-file","DataDirectory":"./data","Cloud":{"Url":"http://127.0.0.1:1"},"Http":{"Urls":"http://127.0.0.1:0"}}}""");
        // Edge__Cloud__ApiKey in the environment; an override stands for it here so tests do not share process state.
        await using var app = EdgeHost.Build(path, new Dictionary<string, string?> { ["Edge:Cloud:ApiKey"] = "secret", ["Edge:Id"] = "from-env" });
        var options = app.Services.GetService(typeof(Microsoft.Extensions.Options.IOptions<EdgeOptions>)) as Microsoft.Extensions.Options.IOptions<EdgeOptions>;
        Assert.Equal("from-env", options!.Value.Id);
        Assert.Equal("secret", options.Value.Cloud.ApiKey);
        Assert.Equal(Path.Combine(_dir.Path, "data"), options.Value.DataDirectory);
    }

    [Fact]
    public void The_sample_config_in_the_repository_is_valid()
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "edge.sample.json");
        var options = new EdgeOptions();
        new ConfigurationBuilder().AddJsonFile(sample).Build().GetSection("Edge").Bind(options);
        options.Cloud.ApiKey = "set-by-environment";
        Assert.Empty(EdgeOptionsValidator.Validate(options));
        Assert.Equal("plant-1", options.Id);
        Assert.Single(options.Agents);
    }
}
