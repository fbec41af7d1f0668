using System.Globalization;
using System.Text;

namespace Mtc.Edge.Tests.Hostile;

/// <summary>
/// A small valid agent's probe and current (MTConnect 2.5 XML): <c>devices</c> machines M1, M2, ..., each with an
/// availability and an execution data item, and one observation of each in current. Enough for the edge to reach the
/// sample request, where the hostile behaviours begin.
/// </summary>
internal static class TinyAgentDocuments
{
    public const long InstanceId = 1700000000;

    public static string Probe(int devices = 1)
    {
        var sb = new StringBuilder(devices * 400 + 600);
        sb.Append(CultureInfo.InvariantCulture, $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <MTConnectDevices xmlns="urn:mtconnect.org:MTConnectDevices:2.5" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><Header creationTime="{Now}" sender="hostile" instanceId="{InstanceId}" version="2.5.0.0" deviceModelChangeTime="{Now}" assetBufferSize="1024" assetCount="0" bufferSize="131072"/><Devices>
            """);
        for (var i = 1; i <= devices; i++)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"<Device id=\"d{i}\" name=\"M{i}\" uuid=\"u-{i}\"><DataItems><DataItem category=\"EVENT\" id=\"d{i}_avail\" type=\"AVAILABILITY\"/><DataItem category=\"EVENT\" id=\"d{i}_exec\" type=\"EXECUTION\"/></DataItems></Device>");
        }
        return sb.Append("</Devices></MTConnectDevices>").ToString();
    }

    /// <summary>Current: sequences 1 .. 2×devices, nextSequence after them.</summary>
    public static string Current(int devices = 1)
    {
        var sb = new StringBuilder(devices * 500 + 600);
        sb.Append(CultureInfo.InvariantCulture, $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <MTConnectStreams xmlns="urn:mtconnect.org:MTConnectStreams:2.5"><Header creationTime="{Now}" sender="hostile" instanceId="{InstanceId}" version="2.5.0.0" bufferSize="131072" firstSequence="1" lastSequence="{2 * devices}" nextSequence="{2 * devices + 1}"/><Streams>
            """);
        for (var i = 1; i <= devices; i++)
        {
            sb.Append(CultureInfo.InvariantCulture,
                $"<DeviceStream name=\"M{i}\" uuid=\"u-{i}\"><ComponentStream component=\"Device\" name=\"M{i}\" componentId=\"d{i}\"><Events><Availability dataItemId=\"d{i}_avail\" timestamp=\"{Now}\" sequence=\"{2 * i - 1}\">AVAILABLE</Availability><Execution dataItemId=\"d{i}_exec\" timestamp=\"{Now}\" sequence=\"{2 * i}\">READY</Execution></Events></ComponentStream></DeviceStream>");
        }
        return sb.Append("</Streams></MTConnectStreams>").ToString();
    }

    /// <summary>
    /// A sample page of machine M1 as the test dictates it: the header's <paramref name="next"/> and <paramref name="last"/>
    /// whatever they should be, and one Execution observation per entry of <paramref name="sequences"/> (repeats included).
    /// </summary>
    public static string Sample(long next, long last, IEnumerable<long> sequences)
    {
        var now = Now;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <MTConnectStreams xmlns="urn:mtconnect.org:MTConnectStreams:2.5"><Header creationTime="{now}" sender="hostile" instanceId="{InstanceId}" version="2.5.0.0" bufferSize="131072" firstSequence="1" lastSequence="{last}" nextSequence="{next}"/><Streams><DeviceStream name="M1" uuid="u-1"><ComponentStream component="Device" name="M1" componentId="d1"><Events>
            """);
        foreach (var s in sequences)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<Execution dataItemId=\"d1_exec\" timestamp=\"{now}\" sequence=\"{s}\">ACTIVE</Execution>");
        }
        return sb.Append("</Events></ComponentStream></DeviceStream></Streams></MTConnectStreams>").ToString();
    }

    /// <summary>
    /// Answers probe and current as a valid agent of <paramref name="devices"/> machines; a sample request goes to
    /// <paramref name="sample"/>.
    /// </summary>
    public static Func<AgentRequest, Task> With(Func<AgentRequest, Task> sample, int devices = 1)
    {
        var probe = Probe(devices);
        var current = Current(devices);
        return r => r.Is("probe") ? r.DocumentAsync(probe)
            : r.Is("current") ? r.DocumentAsync(current)
            : sample(r);
    }

    private static string Now => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
}
