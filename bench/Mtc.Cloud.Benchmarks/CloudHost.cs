using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Benchmarks;

/// <summary>The real cloud host on Kestrel (127.0.0.1, a free port) over a database, and a client with an admin key.</summary>
internal sealed class CloudHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CloudHost(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<CloudHost> StartAsync(string connectionString)
    {
        var app = CloudApp.Create(["--db", connectionString, "--urls", "http://127.0.0.1:0",
            "--Cloud:RateLimitPerSecond=1000000", "--Cloud:RateLimitBurst=1000000", "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        var (_, key) = await ApiKeyAdmin.CreateAsync(DatabaseTarget.Parse(connectionString), "bench", ["admin"], "bench", TimeProvider.System, default);
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new CloudHost(app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
