using System.Net.Http.Headers;
using Mtc.Core;
using Mtc.Core.Model;

namespace Mtc.Edge.Collectors;

/// <summary>The requests of an MTConnect agent: probe, current, sample; documents read by the Core readers (XML or JSON).</summary>
internal sealed class AgentClient(HttpClient http, Uri baseUri)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public Uri BaseUri { get; } = baseUri;

    public async Task<(MtConnectDocument Document, string Text)> GetAsync(string pathAndQuery, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(RequestTimeout);
        using var response = await http.GetAsync(Resolve(pathAndQuery), HttpCompletionOption.ResponseContentRead, cts.Token).ConfigureAwait(false);
        var bytes = await response.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
        if (MtConnectDocumentReader.Sniff(bytes) == DocumentFormat.Unknown)
        {
            throw new HttpRequestException($"{pathAndQuery}: HTTP {(int)response.StatusCode} without an MTConnect document", null, response.StatusCode);
        }
        var doc = MtConnectDocumentReader.Read(bytes);
        return (doc, System.Text.Encoding.UTF8.GetString(bytes));
    }

    /// <summary>Opens a streaming sample; the caller owns the response.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string pathAndQuery, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(RequestTimeout);
        var request = new HttpRequestMessage(HttpMethod.Get, Resolve(pathAndQuery));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
    }

    public Uri Resolve(string pathAndQuery)
    {
        var b = BaseUri.ToString().TrimEnd('/');
        return new Uri(b + "/" + pathAndQuery.TrimStart('/'));
    }
}
