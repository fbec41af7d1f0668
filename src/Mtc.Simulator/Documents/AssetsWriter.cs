using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Documents;

/// <summary>Writes the <c>MTConnectAssets</c> document.</summary>
internal static class AssetsWriter
{
    public static byte[] Write(SimAgent agent, IReadOnlyList<SimAsset> assets) =>
        DocumentWriter.Write(writer =>
        {
            var ns = DocumentWriter.StartRoot(writer, agent, "Assets");
            DocumentWriter.StartHeader(writer, agent, ns, agent.Buffer.State.InstanceId);
            writer.WriteAttributeString("assetBufferSize", DocumentWriter.Number(agent.Assets.Capacity));
            writer.WriteAttributeString("assetCount", DocumentWriter.Number(agent.Assets.Count));
            writer.WriteEndElement();

            writer.WriteStartElement("", "Assets", ns);
            foreach (var asset in assets)
            {
                var body = new System.Xml.Linq.XElement(asset.Body);
                body.SetAttributeValue("assetId", asset.AssetId);
                body.SetAttributeValue("timestamp", DocumentWriter.Timestamp(asset.Timestamp));
                body.SetAttributeValue("deviceUuid", asset.DeviceUuid);
                body.SetAttributeValue("removed", asset.Removed ? "true" : null);
                DocumentWriter.WriteElement(writer, body, asset.Body.Name.Namespace, ns);
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        });
}
