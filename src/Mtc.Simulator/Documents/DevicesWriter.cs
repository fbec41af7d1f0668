using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Documents;

/// <summary>Writes the <c>MTConnectDevices</c> document (probe): the device models as declared, in the served namespace.</summary>
internal static class DevicesWriter
{
    public static byte[] Write(SimAgent agent, IReadOnlyList<DeviceModel> devices) =>
        DocumentWriter.Write(writer =>
        {
            var state = agent.Buffer.State;
            var ns = DocumentWriter.StartRoot(writer, agent, "Devices");
            DocumentWriter.StartHeader(writer, agent, ns, state.InstanceId);
            writer.WriteAttributeString("bufferSize", DocumentWriter.Number(state.BufferSize));
            writer.WriteAttributeString("assetBufferSize", DocumentWriter.Number(agent.Assets.Capacity));
            writer.WriteAttributeString("assetCount", DocumentWriter.Number(agent.Assets.Count));
            writer.WriteEndElement();

            writer.WriteStartElement("", "Devices", ns);
            foreach (var device in devices)
            {
                DocumentWriter.WriteElement(writer, device.Element, device.SourceNamespace, ns);
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        });
}
