using Microsoft.Playwright;
using Mtc.Cloud.Keys;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Browser;

/// <summary>
/// What every page test in a real browser starts from: a migrated SQLite database, the real cloud process on it, keys of
/// any tenant and scope, and where screenshots go.
/// </summary>
public abstract class CloudPageTests : IAsyncLifetime
{
    private readonly SqliteBackend _backend = new();
    private bool _stopped;

    protected CloudProcess Cloud { get; private set; } = null!;

    protected DatabaseTarget Db { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Db = await _backend.NewDatabaseAsync();
        await using (var store = Db.Open())
        {
            await store.MigrateAsync(CancellationToken.None);
        }
        Cloud = await CloudProcess.StartAsync(Db);
    }

    public async Task DisposeAsync()
    {
        if (!_stopped)
        {
            await Cloud.DisposeAsync();
        }
        _backend.Dispose();
    }

    /// <summary>Stops the cloud process, as when the cloud goes away under an open page.</summary>
    protected async Task StopCloudAsync()
    {
        _stopped = true;
        await Cloud.DisposeAsync();
    }

    /// <summary>
    /// Stops the cloud under an open page: its "Data is stale" banner, hidden before, shows between
    /// <paramref name="atLeast"/> and 15 s later (the pages call data stale after 10 s without a successful refresh).
    /// </summary>
    protected async Task StopCloudAndSeeStaleAsync(IPage page, TimeSpan atLeast)
    {
        await Assertions.Expect(page.Locator("#stale")).ToBeHiddenAsync();
        await StopCloudAsync();
        var stopped = DateTime.UtcNow;
        await Assertions.Expect(page.Locator("#stale")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20000 });
        Assert.InRange(DateTime.UtcNow - stopped, atLeast, TimeSpan.FromSeconds(15));
    }

    protected async Task<string> KeyAsync(string tenant, string scope) =>
        (await ApiKeyAdmin.CreateAsync(Db, tenant, [scope], "test", TimeProvider.System, CancellationToken.None)).Key;

    protected static string Shot(string name) => Path.Combine(BrowserFixture.Artifacts, "cloud-" + name + ".png");
}
