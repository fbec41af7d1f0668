using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mtc.Core.Wire;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Api;

public abstract class HardeningTests(IBackend backend) : ApiTestBase(backend)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cloud:MaxBodyBytes"] = "65536",
        ["Cloud:MaxDecompressedBytes"] = "262144",
    };

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal))
        {
            gz.Write(data);
        }
        return output.ToArray();
    }

    private static ByteArrayContent Body(byte[] bytes, string? encoding)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }
        return content;
    }

    private static byte[] Json(IngestBatch batch) => JsonSerializer.SerializeToUtf8Bytes(batch, WireJsonContext.Default.IngestBatch);

    [Fact]
    public async Task A_gzip_body_is_accepted()
    {
        var batch = Batches.Observations("plant-1", "s1", 1, 400);
        var raw = Json(batch);
        Assert.True(raw.Length > 65536, "the plain body must be over the limit, so that only compression lets it in");
        using var response = await Edge.PostAsync("/api/ext/data", Body(Gzip(raw), "gzip"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(400, (await Batches.AllObservationsAsync(Reader, "m1")).Count);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var raw = Json(Batches.Observations("plant-1", "s1", 1, 400));
        using var response = await Edge.PostAsync("/api/ext/data", Body(raw, null));
        await Batches.ProblemAsync(response, 413, "body-too-large");
    }

    [Fact]
    public async Task A_body_over_the_limit_without_a_content_length_is_a_413()
    {
        var raw = Json(Batches.Observations("plant-1", "s1", 1, 400));
        var content = new StreamContent(new MemoryStream(raw));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ext/data") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await Edge.SendAsync(request);
        await Batches.ProblemAsync(response, 413, "body-too-large");
        Assert.Empty((await Batches.GetJsonAsync(Reader, "/api/ext/edges")).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_gzip_bomb_stops_at_the_decompression_limit()
    {
        var bomb = Gzip(Encoding.ASCII.GetBytes("{\"edgeId\":\"" + new string('a', 8 * 1024 * 1024) + "\"}"));
        Assert.True(bomb.Length < 65536);
        using var response = await Edge.PostAsync("/api/ext/data", Body(bomb, "gzip"));
        var problem = await Batches.ProblemAsync(response, 413, "body-too-large");
        Assert.Contains("decompressed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_gzip_body_is_a_400_and_an_unknown_encoding_a_415()
    {
        using var broken = await Edge.PostAsync("/api/ext/data", Body([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7], "gzip"));
        await Batches.ProblemAsync(broken, 400, "invalid-gzip");
        using var br = await Edge.PostAsync("/api/ext/data", Body([1, 2, 3], "br"));
        await Batches.ProblemAsync(br, 415, "unsupported-content-encoding");
    }

    [Fact]
    public async Task Unknown_routes_and_methods_answer_problems_too()
    {
        using var missing = await Reader.GetAsync("/api/ext/nothing-here");
        await Batches.ProblemAsync(missing, 404, "not-found");
        using var method = await Reader.DeleteAsync("/api/ext/machines");
        await Batches.ProblemAsync(method, 405, "method-not-allowed");
    }
}

public sealed class HardeningTests_Sqlite() : HardeningTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class HardeningTests_Postgres(PostgresServer server) : HardeningTests(new PostgresBackend(server));

/// <summary>Rate limits do not depend on the backend: one class on SQLite.</summary>
public sealed class RateLimitTests() : ApiTestBase(new SqliteBackend())
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Cloud:RateLimitPerSecond"] = "1",
        ["Cloud:RateLimitBurst"] = "3",
    };

    [Fact]
    public async Task Past_its_burst_a_key_gets_429_with_retry_after_while_other_keys_go_on()
    {
        var statuses = new List<int>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await Reader.GetAsync("/api/ext/machines");
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }
        Assert.NotNull(limited);
        Assert.True(statuses.Count(s => s == 200) >= 3, string.Join(",", statuses));
        using (limited)
        {
            await Batches.ProblemAsync(limited, 429, "rate-limited");
            var retryAfter = limited.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        }
        using var other = await Admin.GetAsync("/api/ext/machines");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
