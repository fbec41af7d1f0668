using Mtc.Cli.Commands.Inspect;
using Mtc.Core;
using Mtc.Core.Model;

namespace Mtc.Cli.Commands.Doctor;

/// <summary>One answer of the agent: the HTTP status and content type, the bytes, and the document the Core readers made of them.</summary>
/// <param name="Failure">Why there is no answer (unreachable, timeout, over the size limit); null when the agent answered.</param>
/// <param name="ParseError">Why the Core readers refused the bytes; null when <paramref name="Document"/> was read.</param>
internal sealed record AgentAnswer(
    string Request, int Status, string? ContentType, byte[] Bytes, MtConnectDocument? Document, string? ParseError, string? Failure, DateTime ReceivedAt)
{
    public bool IsHttpSuccess => Status is >= 200 and < 300;

    public string Http => $"HTTP {Status}{(ContentType is null ? "" : " " + ContentType)}";
}

/// <summary>Requests to one agent, each read as <c>mtc inspect</c> reads a URL: the same size limit, a timeout on each.</summary>
internal sealed class AgentHttp(Uri baseUri, TimeSpan timeout)
{
    public Uri BaseUri { get; } = baseUri;

    public TimeSpan Timeout { get; } = timeout;

    public Uri Resolve(string pathAndQuery) => new(BaseUri.ToString().TrimEnd('/') + "/" + pathAndQuery.TrimStart('/'));

    public async Task<AgentAnswer> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        var url = Resolve(pathAndQuery).ToString();
        DocumentInput.Loaded loaded;
        try
        {
            loaded = await DocumentInput.LoadAsync(url, Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (InspectException ex)
        {
            return new AgentAnswer(pathAndQuery, 0, null, [], null, null, ex.Message, DateTime.UtcNow);
        }
        catch (MtConnectFormatException ex)
        {
            return new AgentAnswer(pathAndQuery, 0, null, [], null, null, ex.Message, DateTime.UtcNow);
        }

        var received = DateTime.UtcNow;
        var http = loaded.Http!;
        try
        {
            var document = MtConnectDocumentReader.Read(loaded.Bytes);
            return new AgentAnswer(pathAndQuery, http.Status, http.ContentType, loaded.Bytes, document, null, null, received);
        }
        catch (MtConnectFormatException ex)
        {
            var where = ex.Line > 0 ? $" (line {ex.Line}, column {ex.Column})" : "";
            return new AgentAnswer(pathAndQuery, http.Status, http.ContentType, loaded.Bytes, null, ex.Message + where, null, received);
        }
    }
}
