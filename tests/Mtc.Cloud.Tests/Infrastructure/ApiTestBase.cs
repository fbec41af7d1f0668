using Mtc.Cloud.Storage;

namespace Mtc.Cloud.Tests.Infrastructure;

/// <summary>
/// A cloud host over a fresh database per test class, with keys for two tenants: <c>acme</c> (one key per
/// scope) and <c>globex</c> (admin).
/// </summary>
public abstract class ApiTestBase(IBackend backend) : IAsyncLifetime
{
    protected IBackend Backend => backend;
    protected CloudFactory Factory { get; private set; } = null!;
    protected DatabaseTarget Db { get; private set; } = null!;
    protected HttpClient Edge { get; private set; } = null!;
    protected HttpClient Reader { get; private set; } = null!;
    protected HttpClient Writer { get; private set; } = null!;
    protected HttpClient Admin { get; private set; } = null!;
    protected HttpClient OtherTenant { get; private set; } = null!;

    /// <summary>Settings this class's host runs with (in addition to the test defaults).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>The host's clock when the test moves time (the system clock when null).</summary>
    protected virtual TimeProvider? Clock => null;

    public virtual async Task InitializeAsync()
    {
        Db = await backend.NewDatabaseAsync();
        Factory = new CloudFactory(Db, Settings, Clock);
        Edge = Factory.ClientWith(await Factory.NewKeyAsync("acme", "edge:ingest"));
        Reader = Factory.ClientWith(await Factory.NewKeyAsync("acme", "ext:read"));
        Writer = Factory.ClientWith(await Factory.NewKeyAsync("acme", "ext:write"));
        Admin = Factory.ClientWith(await Factory.NewKeyAsync("acme", "admin"));
        OtherTenant = Factory.ClientWith(await Factory.NewKeyAsync("globex", "admin"));
    }

    public virtual async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        (backend as IDisposable)?.Dispose();
    }
}
