using System.Text;
using Mtc.Core.Model;
using Mtc.Core.Xml;

namespace Mtc.Core.Tests.Xml;

/// <summary>
/// <see cref="Observation"/> and <see cref="DataSetEntry"/> keep their rare properties out of line (details object,
/// shared component, packed entry): every property set through an initializer reads back as set, and the reader's
/// shared component never leaks one observation's values into another.
/// </summary>
public sealed class ObservationStorageTests
{
    [Fact]
    public void Every_property_set_in_an_initializer_reads_back()
    {
        DataSetEntry[] entries = [new("k", "v")];
        var o = new Observation
        {
            Category = DataItemCategory.Condition,
            ElementName = "Fault",
            DataItemId = "d1",
            Name = "n",
            Sequence = 42,
            Timestamp = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            SubType = "ACTUAL",
            CompositionId = "c1",
            Value = "text",
            Level = ConditionLevel.Fault,
            Type = "TEMPERATURE",
            NativeCode = "E1",
            NativeSeverity = "3",
            Qualifier = "HIGH",
            ConditionId = "cid",
            SampleCount = 7,
            SampleRate = 100.5,
            Count = 1,
            Entries = entries,
            ResetTriggered = "DAY",
            ComponentType = "Axes",
            ComponentId = "ax",
            ComponentName = "base",
        };

        Assert.Equal(
            (DataItemCategory.Condition, "Fault", "d1", "n", 42L, new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), "ACTUAL", "c1", "text"),
            (o.Category, o.ElementName, o.DataItemId, o.Name, o.Sequence, o.Timestamp, o.SubType, o.CompositionId, o.Value));
        Assert.Equal(
            ((ConditionLevel?)ConditionLevel.Fault, "TEMPERATURE", "E1", "3", "HIGH", "cid"),
            (o.Level, o.Type, o.NativeCode, o.NativeSeverity, o.Qualifier, o.ConditionId));
        Assert.Equal(((int?)7, (double?)100.5, (int?)1, "DAY"), (o.SampleCount, o.SampleRate, o.Count, o.ResetTriggered));
        Assert.Same(entries, o.Entries);
        Assert.Equal(("Axes", "ax", "base"), (o.ComponentType, o.ComponentId, o.ComponentName));
        Assert.False(o.IsUnavailable);
    }

    [Fact]
    public void Unset_rare_properties_read_as_null()
    {
        var o = new Observation { Category = DataItemCategory.Sample, ElementName = "Position", DataItemId = "x", Value = "UNAVAILABLE", Type = null, ComponentName = null };

        Assert.Null(o.Level);
        Assert.Null(new Observation { Category = DataItemCategory.Condition, ElementName = "N", DataItemId = "x", Level = null }.Level);
        Assert.Equal(
            [ConditionLevel.Normal, ConditionLevel.Warning, ConditionLevel.Fault, ConditionLevel.Unavailable],
            Enum.GetValues<ConditionLevel>().Select(l => new Observation { Category = DataItemCategory.Condition, ElementName = "N", DataItemId = "x", Level = l }.Level!.Value));
        Assert.Null(o.Type);
        Assert.Null(o.SampleRate);
        Assert.Null(o.Entries);
        Assert.Null(o.ComponentType);
        Assert.Null(o.ComponentName);
        Assert.True(o.IsUnavailable);
    }

    [Fact]
    public void A_component_property_set_after_the_shared_component_changes_only_that_observation()
    {
        var shared = new ObservationComponent("Axes", "ax", "base", shared: true);
        var first = new Observation { Category = DataItemCategory.Event, ElementName = "E", DataItemId = "a", Where = shared };
        var second = new Observation { Category = DataItemCategory.Event, ElementName = "E", DataItemId = "b", Where = shared, ComponentName = "other", NativeCode = "9" };
        var third = new Observation { Category = DataItemCategory.Event, ElementName = "E", DataItemId = "c", NativeCode = "9", Where = shared, ComponentId = null };

        Assert.Equal(("Axes", "ax", "base"), (first.ComponentType, first.ComponentId, first.ComponentName));
        Assert.Equal(("Axes", "ax", "other", "9"), (second.ComponentType, second.ComponentId, second.ComponentName, second.NativeCode));
        Assert.Equal(("Axes", (string?)null, "base", "9"), (third.ComponentType, third.ComponentId, third.ComponentName, third.NativeCode));
        Assert.Equal(("Axes", "ax", "base"), (shared.Type, shared.Id, shared.Name));

        // An observation's own component handed on to another is not changed by the other's initializer.
        var own = new Observation { Category = DataItemCategory.Event, ElementName = "E", DataItemId = "d", ComponentType = "Linear", ComponentId = "x" };
        var passedOn = new Observation { Category = DataItemCategory.Event, ElementName = "E", DataItemId = "e", Where = own.Where, ComponentId = "y" };
        Assert.Equal(("Linear", "x"), (own.ComponentType, own.ComponentId));
        Assert.Equal(("Linear", "y"), (passedOn.ComponentType, passedOn.ComponentId));
    }

    [Fact]
    public void The_reader_gives_each_observation_the_attributes_of_its_own_component_stream()
    {
        const string xml = """
            <MTConnectStreams xmlns="urn:mtconnect.org:MTConnectStreams:1.7"><Streams><DeviceStream name="m" uuid="u">
              <ComponentStream component="Linear" componentId="x" name="X"><Samples>
                <Position dataItemId="xp" timestamp="2024-01-01T00:00:00Z" sequence="1">1.5</Position>
              </Samples><Condition>
                <Warning dataItemId="xc" timestamp="2024-01-01T00:00:00Z" sequence="2" type="TEMPERATURE" nativeCode="T1">hot</Warning>
              </Condition></ComponentStream>
              <ComponentStream component="Path" componentId="p1"><Events>
                <Execution dataItemId="ex" timestamp="2024-01-01T00:00:00Z" sequence="3">ACTIVE</Execution>
              </Events></ComponentStream>
            </DeviceStream></Streams></MTConnectStreams>
            """;

        var observations = MtConnectXml.ReadStreams(Encoding.UTF8.GetBytes(xml)).Streams[0].Observations;

        Assert.Equal(
            [("xp", "Linear", "x", "X", null, null), ("xc", "Linear", "x", "X", "TEMPERATURE", "T1"), ("ex", "Path", "p1", null, null, null)],
            observations.Select(o => (o.DataItemId, o.ComponentType, o.ComponentId, o.ComponentName, o.Type, o.NativeCode)));
        Assert.Equal((ConditionLevel?)ConditionLevel.Warning, observations[1].Level);
        Assert.Null(observations[0].Level);
    }

    [Fact]
    public void Data_set_entries_keep_value_removed_and_cells_and_compare_by_value()
    {
        TableCell[] cells = [new("c", "1")];
        var plain = new DataSetEntry("a", "1");
        var removed = new DataSetEntry("b", null, Removed: true);
        var row = new DataSetEntry("r", null, Cells: cells);

        Assert.Equal(("a", "1", false, (IReadOnlyList<TableCell>?)null), (plain.Key, plain.Value, plain.Removed, plain.Cells));
        Assert.Equal(("b", (string?)null, true), (removed.Key, removed.Value, removed.Removed));
        Assert.Same(cells, row.Cells);
        Assert.Equal(("r", (string?)null, false), (row.Key, row.Value, row.Removed));
        var mixed = new DataSetEntry("m", "text", Removed: true, Cells: cells);
        Assert.Equal(("text", true), (mixed.Value, mixed.Removed));
        Assert.Same(cells, mixed.Cells);
        Assert.Equal(new DataSetEntry("r", null, Cells: cells), row);
        Assert.NotEqual(new DataSetEntry("r", null, Cells: [new("c", "1")]), row);
        Assert.Equal(new DataSetEntry("a", "1"), plain);
        Assert.NotEqual(new DataSetEntry("a", "1", Removed: true), plain);
        Assert.Equal(new DataSetEntry("b", null, Removed: true).GetHashCode(), removed.GetHashCode());

        var changed = plain with { Removed = true };
        Assert.Equal(("a", "1", true), (changed.Key, changed.Value, changed.Removed));
        var (key, value, isRemoved, noCells) = changed with { Value = null, Removed = false };
        Assert.Equal(("a", (string?)null, false, (IReadOnlyList<TableCell>?)null), (key, value, isRemoved, noCells));
    }

    [Fact]
    public void An_observation_is_96_bytes_and_a_plain_entry_32()
    {
        // The sizes the remarks of Observation and DataSetEntry state (64-bit runtime).
        Assert.Equal(96, BytesPerInstance(() => new Observation { Category = DataItemCategory.Event, ElementName = "e", DataItemId = "d", Value = "v", Name = "n" }));
        Assert.Equal(96, BytesPerInstance(() => new Observation { Category = DataItemCategory.Condition, ElementName = "Normal", DataItemId = "d", Level = ConditionLevel.Normal }));
        Assert.Equal(96 + 72, BytesPerInstance(() => new Observation { Category = DataItemCategory.Condition, ElementName = "Fault", DataItemId = "d", Level = ConditionLevel.Fault, Type = "T", NativeCode = "1" }));
        Assert.Equal(96 + 72 + 64, BytesPerInstance(() => new Observation { Category = DataItemCategory.Sample, ElementName = "T", DataItemId = "d", SampleCount = 2, SampleRate = 1 }));
        Assert.Equal(32, BytesPerInstance(() => new DataSetEntry("k", "v")));
        TableCell[] cells = [new("c", "1")];
        Assert.Equal(32, BytesPerInstance(() => new DataSetEntry("k", null, Cells: cells)));
    }

    private static long BytesPerInstance(Func<object> create)
    {
        const int count = 1000;
        var keep = new object[count];
        create();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++)
        {
            keep[i] = create();
        }

        long size = (GC.GetAllocatedBytesForCurrentThread() - before) / count;
        GC.KeepAlive(keep);
        return size;
    }
}
