using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Storage;

namespace Mtc.Cloud.DataProtection;

internal static class DataProtectionSetup
{
    /// <summary>The application name every cloud host protects with; hosts with another name cannot read its cookies.</summary>
    public const string ApplicationName = "mtc-core";

    /// <summary>
    /// Data protection (the pages' sign-in cookie) with its key ring in the cloud's database, shared by every host over it.
    /// The keys are stored as ASP.NET writes them to a folder, unencrypted: the database's access control protects them.
    /// Needs <see cref="StorageSetup.AddCloudStorage"/> first, whose migrations run before the ring is first read.
    /// </summary>
    public static WebApplicationBuilder AddSharedKeyRing(this WebApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new DatabaseXmlRepository(sp.GetRequiredService<ICloudStore>(), sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<DatabaseXmlRepository>>())));
        // Its warning for each new key ("No XML encryptor configured") is about that deliberate choice, which is documented
        // (docs/operations.md); the repository logs each stored element at Information instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        return builder;
    }
}
