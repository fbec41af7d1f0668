using Mtc.Core.Json;
using Mtc.Core.Model;

namespace Mtc.Core.Tests.Json;

public sealed class JsonDevicesAndErrorsTests
{
    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public void Devices_components_and_data_items_are_read(string version)
    {
        var doc = Assert.IsType<DevicesDocument>(MtConnectJson.Read(File.ReadAllBytes(JsonTestData.PathOf($"json/devices-{version}.json"))));

        Assert.Equal(["Agent", "Device", "Device"], doc.Devices.Select(d => d.ElementName));
        Assert.True(doc.Devices[0].IsAgent);
        var mazak = doc.Devices[1];
        Assert.Equal(("d1", "Mazak", "mazak-vtc-200"), (mazak.Id, mazak.Name, mazak.Uuid));
        Assert.Equal(["Axes", "Controller"], mazak.Components.Select(c => c.ElementName));
        Assert.Equal(13, mazak.AllDataItems().Count());

        var x = mazak.AllDataItems().Single(d => d.Id == "Xact");
        Assert.Equal(("POSITION", "ACTUAL", DataItemCategory.Sample, "MILLIMETER", "MILLIMETER"), (x.Type, x.SubType, x.Category, x.Units, x.NativeUnits));
        Assert.Equal(("x", "Linear"), (x.ComponentId, x.ComponentType));
        Assert.Equal("TIME_SERIES", mazak.AllDataItems().Single(d => d.Id == "Xts").Representation);
        Assert.Null(mazak.AllDataItems().Single(d => d.Id == "msg").Representation);
        Assert.Equal("AVERAGE", mazak.AllDataItems().Single(d => d.Id == "ppos").Statistic);
        Assert.Equal("spindle_motor", mazak.AllDataItems().Single(d => d.Id == "temp").CompositionId);
        Assert.Equal(("d1", "Device"), (mazak.DataItems[0].ComponentId, mazak.DataItems[0].ComponentType));
        Assert.Equal(1024, doc.Header.AssetBufferSize);
        Assert.Equal("2.2", doc.Version);
    }

    [Fact]
    public void Classic_errors_give_code_and_message()
    {
        var doc = Assert.IsType<ErrorDocument>(MtConnectJson.Read(File.ReadAllBytes(JsonTestData.PathOf("json/errors-v1.json"))));

        Assert.Equal([new AgentError(AgentErrorCodes.OutOfRange, "'from' must be greater than 1"), new AgentError(AgentErrorCodes.InvalidRequest, "count must be positive")], doc.Errors);
        Assert.True(doc.Has(AgentErrorCodes.OutOfRange));
        Assert.Equal("2.2", doc.Version);
        Assert.Equal(1709648000, doc.Header.InstanceId);
    }

    [Fact]
    public void Typed_errors_of_2_6_carry_the_query_parameter_and_its_range()
    {
        var doc = Assert.IsType<ErrorDocument>(MtConnectJson.Read(File.ReadAllBytes(JsonTestData.PathOf("json/errors-2.6-v2.json"))));

        var range = doc.Errors.Single(e => e.Code == AgentErrorCodes.OutOfRange);
        Assert.Equal("OutOfRange", range.ElementName);
        Assert.Equal("'from' must be between 10904772 and 12907777", range.Message);
        Assert.Equal(new QueryParameter("from", "9999999", 10904772, 12907777), range.Parameter);
        var invalid = doc.Errors.Single(e => e.ElementName == "InvalidParameterValue");
        Assert.Equal(("INVALID_PARAMTER_VALUE", "Bad Value", "XXX"), (invalid.Code, invalid.Message, invalid.Parameter!.Value));
        Assert.Equal("2.6", doc.Version);
    }

    [Fact]
    public void A_typed_error_without_errorCode_takes_the_code_from_its_element()
    {
        var json = """{"MTConnectError":{"jsonVersion":2,"Header":{"instanceId":1},"Errors":{"NoDevice":[{"ErrorMessage":"no device 'x'"}]}}}"""u8;

        var doc = Assert.IsType<ErrorDocument>(MtConnectJson.Read(json.ToArray()));

        Assert.Equal(AgentErrorCodes.NoDevice, doc.Errors.Single().Code);
    }
}
