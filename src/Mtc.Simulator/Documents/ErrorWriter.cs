using Mtc.Core.Model;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Documents;

/// <summary>
/// Writes <c>MTConnectError</c> documents: before 2.6 a classic <c>&lt;Error errorCode="..."&gt;message&lt;/Error&gt;</c>;
/// from 2.6 the typed element (<c>OutOfRange</c>, <c>NoDevice</c>, ...) with the request's <c>URI</c> (required),
/// <c>ErrorMessage</c> and, for a range error, the <c>QueryParameter</c> with its Value, Minimum and Maximum.
/// </summary>
internal static class ErrorWriter
{
    /// <param name="uri">The request answered (path and query), the typed errors' required <c>URI</c>.</param>
    /// <param name="assetId">The asset an ASSET_NOT_FOUND is about (2.6+ <c>AssetId</c>, required there).</param>
    public static byte[] Write(SimAgent agent, AgentError error, string uri, string? assetId = null) =>
        DocumentWriter.Write(writer =>
        {
            var state = agent.Buffer.State;
            var ns = DocumentWriter.StartRoot(writer, agent, "Error");
            DocumentWriter.StartHeader(writer, agent, ns, state.InstanceId, error: true);
            writer.WriteAttributeString("bufferSize", DocumentWriter.Number(state.BufferSize));
            writer.WriteEndElement();

            writer.WriteStartElement("", "Errors", ns);
            if (!agent.Version.HasTypedErrors)
            {
                writer.WriteStartElement("", "Error", ns);
                writer.WriteAttributeString("errorCode", error.Code);
                writer.WriteString(error.Message);
                writer.WriteEndElement();
            }
            else
            {
                writer.WriteStartElement("", TypedName(error.Code), ns);
                writer.WriteAttributeString("errorCode", error.Code);
                writer.WriteElementString("", "URI", ns, uri);
                if (error.Code == AgentErrorCodes.AssetNotFound)
                {
                    writer.WriteElementString("", "AssetId", ns, assetId ?? "");
                }

                writer.WriteElementString("", "ErrorMessage", ns, error.Message);
                if (error.Parameter is { } parameter)
                {
                    writer.WriteStartElement("", "QueryParameter", ns);
                    writer.WriteAttributeString("name", parameter.Name);
                    if (parameter.Value is not null)
                    {
                        writer.WriteElementString("", "Value", ns, parameter.Value);
                    }

                    if (parameter.Minimum is { } minimum)
                    {
                        writer.WriteElementString("", "Minimum", ns, DocumentWriter.Number(minimum));
                    }

                    if (parameter.Maximum is { } maximum)
                    {
                        writer.WriteElementString("", "Maximum", ns, DocumentWriter.Number(maximum));
                    }

                    writer.WriteEndElement();
                }

                writer.WriteEndElement();
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        });

    /// <summary>The 2.6+ element name of an error code: <c>OUT_OF_RANGE</c> → <c>OutOfRange</c>.</summary>
    public static string TypedName(string code) => code switch
    {
        AgentErrorCodes.InvalidUri => "InvalidURI",
        AgentErrorCodes.InvalidXPath => "InvalidXPath",
        _ => SimDataItem.ToElementName(code, null),
    };
}
