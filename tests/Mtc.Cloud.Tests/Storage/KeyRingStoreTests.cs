using System.Xml.Linq;
using Mtc.Cloud.DataProtection;
using Mtc.Cloud.Storage;
using Mtc.Cloud.Tests.Infrastructure;

namespace Mtc.Cloud.Tests.Storage;

/// <summary>The data-protection key ring on each backend, through the repository ASP.NET calls, as two hosts see it.</summary>
public abstract class KeyRingStoreTests(IBackend backend) : IAsyncLifetime
{
    private DatabaseTarget _db = null!;
    private ICloudStore _first = null!;
    private ICloudStore _second = null!;

    public async Task InitializeAsync()
    {
        _db = await backend.NewDatabaseAsync();
        _first = _db.Open();
        await _first.MigrateAsync(CancellationToken.None);
        _second = _db.Open();
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        (backend as IDisposable)?.Dispose();
    }

    [Fact]
    public void Elements_one_host_stores_are_read_by_another_whole_and_in_order()
    {
        var a = Repository(_first);
        var b = Repository(_second);
        Assert.Empty(b.GetAllElements());

        var key = new XElement("key", new XAttribute("id", "7d1c"), new XElement("creationDate", "2026-12-04T08:00:00Z"),
            new XElement("descriptor", new XElement("masterKey", "secret & <bytes>")));
        a.StoreElement(key, "key-7d1c");
        b.StoreElement(new XElement("key", new XAttribute("id", "90ab")), "key-90ab");
        b.StoreElement(new XElement("revocation", new XElement("reason", "rotated")), "");

        var read = a.GetAllElements().ToList();
        Assert.Equal(3, read.Count);
        Assert.True(XNode.DeepEquals(key, read[0]), read[0].ToString());
        Assert.Equal("90ab", read[1].Attribute("id")!.Value);
        Assert.Equal("rotated", read[2].Element("reason")!.Value);
        Assert.Equal(read.Select(e => e.ToString()), b.GetAllElements().Select(e => e.ToString()));
    }

    [Fact]
    public void A_friendly_name_is_stored_once()
    {
        var a = Repository(_first);
        a.StoreElement(new XElement("key", new XAttribute("id", "1")), "key-1");
        Assert.ThrowsAny<System.Data.Common.DbException>(() =>
            Repository(_second).StoreElement(new XElement("key", new XAttribute("id", "2")), "key-1"));
        Assert.Equal("1", Assert.Single(a.GetAllElements()).Attribute("id")!.Value);
    }

    private static DatabaseXmlRepository Repository(ICloudStore store) =>
        new(store, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<DatabaseXmlRepository>.Instance);
}

public sealed class KeyRingStoreTests_Sqlite() : KeyRingStoreTests(new SqliteBackend());

[Collection(PostgresCollection.Name)]
public sealed class KeyRingStoreTests_Postgres(PostgresServer server) : KeyRingStoreTests(new PostgresBackend(server));
