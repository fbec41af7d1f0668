using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.DataProtection;

/// <summary>
/// The data-protection key ring in the cloud's database instead of a folder per process, so that a sign-in cookie issued by
/// one cloud host is read by every other one over the same database, and survives a restart on a fresh disk.
/// </summary>
/// <remarks>
/// <see cref="IXmlRepository"/> is synchronous: ASP.NET reads the ring at start, when it meets a key it does not know, and
/// about once a day, and writes it when it makes a key (every 90 days), so the blocking waits are rare and short. The
/// store's calls never capture a synchronization context, and ASP.NET Core has none.
/// </remarks>
internal sealed class DatabaseXmlRepository(ICloudStore store, TimeProvider time, ILogger<DatabaseXmlRepository> log) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. store.GetKeyRingElementsAsync(CancellationToken.None).GetAwaiter().GetResult().Select(x => XElement.Parse(x))];

    public void StoreElement(XElement element, string friendlyName)
    {
        // ASP.NET names a key "key-{id}" and a revocation "revocation-{id or time}"; a name-less element gets one of its own.
        var name = string.IsNullOrEmpty(friendlyName) ? "element-" + Guid.NewGuid().ToString("d") : friendlyName;
        store.AddKeyRingElementAsync(name, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow(), CancellationToken.None)
            .GetAwaiter().GetResult();
        Log.KeyRingElementStored(log, name);
    }
}
