using System.Xml.Linq;
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
                var body = new XElement(asset.Body);
                if (agent.Version.CuttingToolDescriptionLast)
                {
                    MoveDescriptionLast(body);
                }

                body.SetAttributeValue("assetId", asset.AssetId);
                body.SetAttributeValue("timestamp", DocumentWriter.Timestamp(asset.Timestamp));
                body.SetAttributeValue("deviceUuid", asset.DeviceUuid);
                body.SetAttributeValue("removed", asset.Removed ? "true" : null);
                DocumentWriter.WriteElement(writer, body, asset.Body.Name.Namespace, ns);
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        });

    /// <summary>Puts a CuttingTool's <c>Description</c> after its definition and life cycle, where the 2.6+ schemas want it.</summary>
    private static void MoveDescriptionLast(XElement tool)
    {
        if (tool.Name.LocalName != "CuttingTool" || tool.Elements().FirstOrDefault(e => e.Name.LocalName == "Description") is not { } description)
        {
            return;
        }

        var anchor = tool.Elements().LastOrDefault(e => e.Name.LocalName is "CuttingToolDefinition" or "CuttingToolLifeCycle");
        if (anchor is null)
        {
            return;
        }

        description.Remove();
        anchor.AddAfterSelf(description);
    }
}
