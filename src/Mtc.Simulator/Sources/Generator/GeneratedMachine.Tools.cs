using System.Globalization;
using System.Xml.Linq;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Sources.Generator;

/// <summary>The cutting tools a generated machine has loaded, one per program, served as CuttingTool assets.</summary>
internal sealed partial class GeneratedMachine
{
    public IEnumerable<SimAsset> Tools()
    {
        for (var i = 0; i < _programs.Length; i++)
        {
            var number = (i + 1).ToString(CultureInfo.InvariantCulture);
            var assetId = $"{Device.Id}.T{number}";
            var body = new XElement("CuttingTool",
                new XAttribute("toolId", "T" + number),
                new XAttribute("serialNumber", $"{Device.Uuid}-T{number}"),
                new XElement("Description", $"Tool for {_programs[i]}"),
                new XElement("CuttingToolLifeCycle",
                    new XElement("CutterStatus", new XElement("Status", "AVAILABLE")),
                    new XElement("ToolLife",
                        new XAttribute("type", "MINUTES"), new XAttribute("countDirection", "UP"),
                        new XAttribute("initial", "0"), new XAttribute("limit", "240"), "0"),
                    new XElement("ProgramToolNumber", number)));
            yield return new SimAsset(assetId, "CuttingTool", Device.Uuid, DateTime.MinValue, body);
        }
    }
}
