using Mtc.Cli.Commands.Doctor.Checks;

namespace Mtc.Cli.Tests.Doctor;

public sealed class SchemaCatalogTests
{
    [Fact]
    public void Every_embedded_schema_loads_in_dotnet()
    {
        foreach (var version in SchemaCatalog.Versions)
        {
            foreach (var kind in new[] { "Streams", "Devices", "Error" })
            {
                var compiled = SchemaCatalog.Get(version, kind);
                Assert.True(compiled.Set is not null, $"{kind} {version}: {compiled.Problem}");
                Assert.Contains(compiled.TargetNamespace, compiled.Set!.Schemas().Cast<System.Xml.Schema.XmlSchema>().Select(s => s.TargetNamespace));
            }
        }
    }

    [Fact]
    public void A_version_without_an_embedded_schema_is_not_checked_with_the_reason()
    {
        var compiled = SchemaCatalog.Get("1.4", "Streams");

        Assert.Null(compiled.Set);
        Assert.Contains("no schema is embedded for version 1.4", compiled.Problem);
    }
}
