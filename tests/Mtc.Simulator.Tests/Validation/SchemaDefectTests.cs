using System.Xml.Linq;

namespace Mtc.Simulator.Tests.Validation;

/// <summary>
/// The defects an independent validator found in what the simulator served, each put back into a document the
/// simulator serves now: the XSD check must refuse it, saying what, which version, where and why.
/// </summary>
public sealed class SchemaDefectTests
{
    [Theory]
    [InlineData("2.5", "current", "AssetChanged", "assetType", "The required attribute 'assetType' is missing")]
    [InlineData("1.7", "current", "Header", "deviceModelChangeTime", "The required attribute 'deviceModelChangeTime' is missing")]
    [InlineData("2.7", "sample?count=0", "URI", null, "has incomplete content")]
    [InlineData("1.3", "probe", "Description", "manufacturer", "The 'manufacturer' attribute is invalid")]
    public async Task A_document_with_a_defect_found_before_is_refused_with_kind_version_line_and_reason(string version, string path, string element, string? attribute, string message)
    {
        await using var agent = await TestAgent.GenerateAsync(1, speed: 50, version: version);
        await agent.WaitForCurrentAsync(d => d.Observations().Any(o => o.ElementName == "AssetChanged" && !o.IsUnavailable));
        var served = XDocument.Parse(System.Text.Encoding.UTF8.GetString(await agent.Http.GetByteArrayWithAnyStatusAsync(path)));
        Assert.Empty(MtConnectSchemas.Validate(Bytes(served), version, path));

        var target = served.Descendants().First(e => e.Name.LocalName == element && (attribute is null || e.Attribute(attribute) is not null));
        if (attribute is null)
        {
            target.Remove();
        }
        else if (attribute == "manufacturer")
        {
            target.SetAttributeValue(attribute, "MTConnect Core");
        }
        else
        {
            target.Attribute(attribute)!.Remove();
        }

        var problem = Assert.Single(MtConnectSchemas.Validate(Bytes(served), version, path));
        Assert.StartsWith($"{path} at {version}: line 1, column ", problem);
        Assert.Contains(message, problem);
    }

    private static byte[] Bytes(XDocument document)
    {
        using var stream = new MemoryStream();
        document.Save(stream, SaveOptions.DisableFormatting);
        return stream.ToArray();
    }
}
