using System.Xml;

namespace Mtc.Core.Xml;

/// <summary>
/// Element and attribute names atomized in the reader's <see cref="XmlNameTable"/>, so that the reader compares
/// <see cref="XmlReader.LocalName"/> to them by reference instead of by content.
/// </summary>
internal sealed class XmlNames
{
    public XmlNames(XmlNameTable table)
    {
        Table = table;

        // Roots and structure
        MTConnectDevices = table.Add("MTConnectDevices");
        MTConnectStreams = table.Add("MTConnectStreams");
        MTConnectError = table.Add("MTConnectError");
        MTConnectAssets = table.Add("MTConnectAssets");
        Header = table.Add("Header");
        Devices = table.Add("Devices");
        Device = table.Add("Device");
        Agent = table.Add("Agent");
        Components = table.Add("Components");
        DataItems = table.Add("DataItems");
        DataItem = table.Add("DataItem");
        Description = table.Add("Description");
        Configuration = table.Add("Configuration");
        References = table.Add("References");
        Compositions = table.Add("Compositions");
        Streams = table.Add("Streams");
        DeviceStream = table.Add("DeviceStream");
        ComponentStream = table.Add("ComponentStream");
        Samples = table.Add("Samples");
        Events = table.Add("Events");
        Condition = table.Add("Condition");
        Entry = table.Add("Entry");
        Cell = table.Add("Cell");
        Errors = table.Add("Errors");
        Error = table.Add("Error");
        ErrorMessage = table.Add("ErrorMessage");
        QueryParameter = table.Add("QueryParameter");
        Value = table.Add("Value");
        Minimum = table.Add("Minimum");
        Maximum = table.Add("Maximum");
        Assets = table.Add("Assets");

        // Condition levels
        Normal = table.Add("Normal");
        Warning = table.Add("Warning");
        Fault = table.Add("Fault");
        Unavailable = table.Add("Unavailable");

        // Attributes
        Id = table.Add("id");
        Name = table.Add("name");
        Uuid = table.Add("uuid");
        Type = table.Add("type");
        SubType = table.Add("subType");
        Category = table.Add("category");
        Units = table.Add("units");
        NativeUnits = table.Add("nativeUnits");
        Representation = table.Add("representation");
        Statistic = table.Add("statistic");
        CompositionId = table.Add("compositionId");
        DataItemId = table.Add("dataItemId");
        Sequence = table.Add("sequence");
        Timestamp = table.Add("timestamp");
        NativeCode = table.Add("nativeCode");
        NativeSeverity = table.Add("nativeSeverity");
        Qualifier = table.Add("qualifier");
        ConditionId = table.Add("conditionId");
        SampleCount = table.Add("sampleCount");
        SampleRate = table.Add("sampleRate");
        Count = table.Add("count");
        ResetTriggered = table.Add("resetTriggered");
        Key = table.Add("key");
        Removed = table.Add("removed");
        Component = table.Add("component");
        ComponentId = table.Add("componentId");
        ErrorCode = table.Add("errorCode");
        AssetId = table.Add("assetId");
        DeviceUuid = table.Add("deviceUuid");
        InstanceId = table.Add("instanceId");
        BufferSize = table.Add("bufferSize");
        FirstSequence = table.Add("firstSequence");
        LastSequence = table.Add("lastSequence");
        NextSequence = table.Add("nextSequence");
        AssetBufferSize = table.Add("assetBufferSize");
        AssetCount = table.Add("assetCount");
        CreationTime = table.Add("creationTime");
        Sender = table.Add("sender");
        Version = table.Add("version");
        SchemaVersion = table.Add("schemaVersion");

        // Attribute values compared by reference after atomizing
        True = table.Add("true");
        Sample = table.Add("SAMPLE");
        Event = table.Add("EVENT");
        ConditionCategory = table.Add("CONDITION");
    }

    public XmlNameTable Table { get; }

    public string MTConnectDevices { get; }
    public string MTConnectStreams { get; }
    public string MTConnectError { get; }
    public string MTConnectAssets { get; }
    public string Header { get; }
    public string Devices { get; }
    public string Device { get; }
    public string Agent { get; }
    public string Components { get; }
    public string DataItems { get; }
    public string DataItem { get; }
    public string Description { get; }
    public string Configuration { get; }
    public string References { get; }
    public string Compositions { get; }
    public string Streams { get; }
    public string DeviceStream { get; }
    public string ComponentStream { get; }
    public string Samples { get; }
    public string Events { get; }
    public string Condition { get; }
    public string Entry { get; }
    public string Cell { get; }
    public string Errors { get; }
    public string Error { get; }
    public string ErrorMessage { get; }
    public string QueryParameter { get; }
    public string Value { get; }
    public string Minimum { get; }
    public string Maximum { get; }
    public string Assets { get; }
    public string Normal { get; }
    public string Warning { get; }
    public string Fault { get; }
    public string Unavailable { get; }
    public string Id { get; }
    public string Name { get; }
    public string Uuid { get; }
    public string Type { get; }
    public string SubType { get; }
    public string Category { get; }
    public string Units { get; }
    public string NativeUnits { get; }
    public string Representation { get; }
    public string Statistic { get; }
    public string CompositionId { get; }
    public string DataItemId { get; }
    public string Sequence { get; }
    public string Timestamp { get; }
    public string NativeCode { get; }
    public string NativeSeverity { get; }
    public string Qualifier { get; }
    public string ConditionId { get; }
    public string SampleCount { get; }
    public string SampleRate { get; }
    public string Count { get; }
    public string ResetTriggered { get; }
    public string Key { get; }
    public string Removed { get; }
    public string Component { get; }
    public string ComponentId { get; }
    public string ErrorCode { get; }
    public string AssetId { get; }
    public string DeviceUuid { get; }
    public string InstanceId { get; }
    public string BufferSize { get; }
    public string FirstSequence { get; }
    public string LastSequence { get; }
    public string NextSequence { get; }
    public string AssetBufferSize { get; }
    public string AssetCount { get; }
    public string CreationTime { get; }
    public string Sender { get; }
    public string Version { get; }
    public string SchemaVersion { get; }
    public string True { get; }
    public string Sample { get; }
    public string Event { get; }
    public string ConditionCategory { get; }
}
