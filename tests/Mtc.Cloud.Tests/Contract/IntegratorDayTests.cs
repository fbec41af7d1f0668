using Mtc.Cloud.Keys;
using Mtc.Cloud.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mtc.Cloud.Tests.Contract;

/// <summary>
/// A new integrator's day against the real cloud process, by a Python client that knows only the checked-in
/// <c>api/openapi.json</c> (<c>integrator_day.py</c>): setup, an edge batch, events with idempotency, machines, cycle
/// times page by page, observations, the events feed and bad parameters; every response must be one the document
/// declares, with a body valid against its schema.
/// </summary>
public abstract class IntegratorDayTests(IBackend backend, ITestOutputHelper output)
{
    [Fact]
    public async Task A_client_written_from_the_openapi_document_alone_gets_through_an_integrators_day()
    {
        var db = await backend.NewDatabaseAsync();
        await using (var store = db.Open())
        {
            await store.MigrateAsync(CancellationToken.None);
        }
        async Task<string> Key(string scope) => (await ApiKeyAdmin.CreateAsync(db, "acme", [scope], scope, TimeProvider.System, CancellationToken.None)).Key;
        var keys = new Dictionary<string, string>
        {
            ["MTC_EDGE_KEY"] = await Key("edge:ingest"),
            ["MTC_WRITER_KEY"] = await Key("ext:write"),
            ["MTC_READER_KEY"] = await Key("ext:read"),
        };
        await using var cloud = await CloudProcess.StartAsync(db);
        var root = ToolProcess.RepositoryRoot();
        var (exit, stdout, stderr) = await ToolProcess.RunAsync("python3",
            [Path.Combine(root, "tests", "Mtc.Cloud.Tests", "Contract", "integrator_day.py"), Path.Combine(root, "api", "openapi.json"), cloud.Address.ToString().TrimEnd('/')],
            root, TimeSpan.FromMinutes(2), keys);
        output.WriteLine(stdout);
        Assert.True(exit == 0, $"the integrator's client failed (exit {exit}):\n{stdout}\n{stderr}\n--- cloud\n{cloud.Output}");
        Assert.Contains("integrator day: done", stdout, StringComparison.Ordinal);
    }
}

public sealed class IntegratorDayTests_Sqlite(ITestOutputHelper output) : IntegratorDayTests(new SqliteBackend(), output);

[Collection(PostgresCollection.Name)]
public sealed class IntegratorDayTests_Postgres(PostgresServer server, ITestOutputHelper output) : IntegratorDayTests(new PostgresBackend(server), output);
