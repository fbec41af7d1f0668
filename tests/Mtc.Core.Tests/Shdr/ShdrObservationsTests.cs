using Mtc.Core.Model;
using Mtc.Core.Shdr;
using Mtc.Core.Tests.Support;
using Mtc.Core.Xml;

namespace Mtc.Core.Tests.Shdr;

public sealed class ShdrObservationsTests
{
    private static readonly DateTime T0 = new(2022, 8, 8, 13, 51, 34, DateTimeKind.Utc);

    private static DeviceShdrKeyResolver Okuma()
    {
        using var file = File.OpenRead(CapturedFiles.PathOf("cppagent/demo/agent/Devices.xml"));
        return new DeviceShdrKeyResolver(MtConnectXml.ReadDevices(file));
    }

    private static Observation Map(DeviceShdrKeyResolver resolver, string line)
    {
        var data = Assert.IsType<ShdrDataLine>(new ShdrLineParser(resolver).Parse(line, 1));
        var entry = data.Entries.Single();
        Assert.True(resolver.TryGetDataItem(entry.Device, entry.Key, out var item));
        return entry.ToObservation(item, data.Timestamp, 42);
    }

    [Fact]
    public void Okuma_values_become_the_observations_an_agent_publishes()
    {
        var resolver = Okuma();
        var execution = Map(resolver, "2022-08-08T13:51:34Z|pexecution|ACTIVE");
        Assert.Equal((DataItemCategory.Event, "Execution", "Lpexecution", "pexecution", "ACTIVE", 42L, T0),
            (execution.Category, execution.ElementName, execution.DataItemId, execution.Name, execution.Value, execution.Sequence, execution.Timestamp));

        var count = Map(resolver, "2022-08-08T13:51:34Z|ppartcount|unavailable");
        Assert.Equal(("PartCount", "UNAVAILABLE"), (count.ElementName, count.Value));
        Assert.True(count.IsUnavailable);

        var system = Map(resolver, "2022-08-08T13:51:34Z|system|FAULT|E1:7|2|HIGH|Door open");
        Assert.Equal((DataItemCategory.Condition, "Fault", ConditionLevel.Fault, "SYSTEM", "E1", "7", "2", "HIGH", "Door open"),
            (system.Category, system.ElementName, system.Level, system.Type, system.NativeCode, system.ConditionId, system.NativeSeverity, system.Qualifier, system.Value));

        var variables = Map(resolver, "2022-08-08T13:51:34Z|p1CommonVariable|:MANUAL v1=10 v2='a b' v3");
        Assert.Equal(("VariableDataSet", 3, "MANUAL", "x:COMMON"), (variables.ElementName, variables.Count, variables.ResetTriggered, variables.SubType));
        Assert.Equal([new DataSetEntry("v1", "10"), new DataSetEntry("v2", "a b"), new DataSetEntry("v3", null, Removed: true)], variables.Entries!);
    }

    [Fact]
    public void Alarms_take_five_fields_and_time_series_join_their_values()
    {
        var alarm = new DataItem { Id = "a", Name = "alarm", Type = "ALARM", Category = DataItemCategory.Event };
        var series = new DataItem { Id = "s", Name = "xs", Type = "POSITION", SubType = "ACTUAL", Category = DataItemCategory.Sample, Representation = "TIME_SERIES" };
        var resolver = new DeviceShdrKeyResolver(new Device { ElementName = "Device", Name = "d", DataItems = [alarm, series] });
        var line = Assert.IsType<ShdrDataLine>(new ShdrLineParser(resolver).Parse("2022-08-08T13:51:34Z|alarm|OTHER|E12|CRITICAL|ACTIVE|Spindle fault|xs|3|100|1 2.5 3", 1));
        var a = Assert.IsType<ShdrAlarm>(line.Entries[0]);
        Assert.Equal(("OTHER", "E12", "CRITICAL", "ACTIVE", "Spindle fault"), (a.Code, a.NativeCode, a.Severity, a.State, a.Text));
        var observed = line.Entries[1].ToObservation(series, line.Timestamp);
        Assert.Equal(("PositionTimeSeries", "1 2.5 3", 3, 100.0), (observed.ElementName, observed.Value, observed.SampleCount, observed.SampleRate));
        Assert.Equal(("Alarm", "Spindle fault", "E12"), (a.ToObservation(alarm, T0).ElementName, a.ToObservation(alarm, T0).Value, a.ToObservation(alarm, T0).NativeCode));
    }

    [Theory]
    [InlineData("msg|M1|Door open", false, "Door open")]
    [InlineData("msg|UNAVAILABLE", true, "UNAVAILABLE")]
    [InlineData("msg|M1|unavailable", true, "UNAVAILABLE")]
    [InlineData("alarm|OTHER|A1|CRITICAL|ACTIVE|Spindle fault", false, "Spindle fault")]
    [InlineData("alarm|UNAVAILABLE||||", true, "UNAVAILABLE")]
    [InlineData("alarm|OTHER|A1|CRITICAL|ACTIVE|Unavailable", true, "UNAVAILABLE")]
    [InlineData("cond|unavailable||||", true, null)]
    [InlineData("cond|NORMAL||||", false, null)]
    [InlineData("count|UNAVAILABLE", true, "UNAVAILABLE")]
    public void One_rule_says_which_entries_are_unavailable_and_the_observation_follows_it(string fields, bool unavailable, string? value)
    {
        var message = new DataItem { Id = "m", Name = "msg", Type = "MESSAGE", Category = DataItemCategory.Event };
        var alarm = new DataItem { Id = "a", Name = "alarm", Type = "ALARM", Category = DataItemCategory.Event };
        var condition = new DataItem { Id = "c", Name = "cond", Type = "SYSTEM", Category = DataItemCategory.Condition };
        var count = new DataItem { Id = "n", Name = "count", Type = "PART_COUNT", Category = DataItemCategory.Event };
        var resolver = new DeviceShdrKeyResolver(new Device { ElementName = "Device", Name = "d", DataItems = [message, alarm, condition, count] });
        var observation = Map(resolver, "2022-08-08T13:51:34Z|" + fields);
        var entry = Assert.IsType<ShdrDataLine>(new ShdrLineParser(resolver).Parse("2022-08-08T13:51:34Z|" + fields, 1)).Entries.Single();

        Assert.Equal(unavailable, ShdrObservations.IsUnavailable(entry));
        Assert.Equal(unavailable, observation.IsUnavailable);
        Assert.Equal(value, observation.Value);
    }

    [Fact]
    public void Every_okuma_entry_with_a_known_key_maps_to_its_data_item()
    {
        var resolver = Okuma();
        using var reader = new ShdrReader(CapturedFiles.Reader("cppagent/demo/agent/okuma.txt.gz"), resolver);
        var mapped = 0;
        foreach (var data in reader.ReadAll().OfType<ShdrDataLine>())
        {
            foreach (var entry in data.Entries.Where(e => e.IsKnown))
            {
                Assert.True(resolver.TryGetDataItem(entry.Device, entry.Key, out var item));
                var observation = entry.ToObservation(item, data.Timestamp);
                Assert.True(observation.DataItemId == item.Id && (observation.Name == entry.Key || item.Id == entry.Key));
                mapped++;
            }
        }

        Assert.True(mapped > 20_000, $"{mapped} entries mapped");
    }
}
