using Mtc.Core.Model;
using Mtc.Core.Text;

namespace Mtc.Core;

/// <summary>
/// The agent answered with an error document (e.g. <c>OUT_OF_RANGE</c> to a <c>/sample</c> request) where the
/// caller asked for another kind of document. The document is here, typed, to act on.
/// </summary>
public sealed class MtConnectAgentErrorException : Exception
{
    public MtConnectAgentErrorException(ErrorDocument document)
        : base(Describe(document))
    {
        Document = document;
    }

    public ErrorDocument Document { get; }

    public bool Has(string code) => Document.Has(code);

    private static string Describe(ErrorDocument document) =>
        document.Errors.Count == 0
            ? "the agent answered with an error document without errors"
            : Printable.Escape("the agent answered with an error: " + string.Join("; ", document.Errors.Select(e => $"{e.Code}: {e.Message}")));
}
