using System.Net.Http.Headers;
using Mtc.Core;
using Mtc.Core.Model;

namespace Mtc.Edge.Collectors;

/// <summary>
/// The requests of an MTConnect agent: probe, current, sample; documents read by the Core readers (XML or JSON). Every
/// answer is read with the document size limit (<see cref="SourceBody"/>), and the request timeout covers the whole answer,
/// not only its headers.
/// </summary>
internal sealed class AgentClient(HttpClient http, Uri baseUri, ParserLimits limits, TimeSpan requestTimeout)
{
    public Uri BaseUri { get; } = baseUri;

    /// <summary>The limits every answer is read with (<c>Edge:MaxDocumentBytes</c>).</summary>
    public ParserLimits Limits { get; } = limits;

    public async Task<(MtConnectDocument Document, byte[] Bytes)> GetAsync(string pathAndQuery, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(requestTimeout);
        try
        {
            using var response = await http.GetAsync(Resolve(pathAndQuery), HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            var bytes = await SourceBody.ReadAsync(response.Content, Limits.MaxDocumentBytes, cts.Token).ConfigureAwait(false);
            if (MtConnectDocumentReader.Sniff(bytes) == DocumentFormat.Unknown)
            {
                throw new HttpRequestException($"{pathAndQuery}: HTTP {(int)response.StatusCode} without an MTConnect document", null, response.StatusCode);
            }
            return (MtConnectDocumentReader.Read(bytes, Limits), bytes);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{pathAndQuery}: no whole answer within {requestTimeout.TotalSeconds:0.#} s");
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{pathAndQuery}: {e.Message}", e);
        }
    }

    /// <summary>The body of an answer that is not a stream, whole, within the size limit and <paramref name="timeout"/>.</summary>
    public async Task<byte[]> ReadWholeAsync(HttpResponseMessage response, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            return await SourceBody.ReadAsync(response.Content, Limits.MaxDocumentBytes, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"sample: no whole answer within {timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>Opens a streaming sample; the caller owns the response.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string pathAndQuery, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(requestTimeout);
        var request = new HttpRequestMessage(HttpMethod.Get, Resolve(pathAndQuery));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/xml"));
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"sample: no answer within {requestTimeout.TotalSeconds:0.#} s");
        }
    }

    public Uri Resolve(string pathAndQuery)
    {
        var b = BaseUri.ToString().TrimEnd('/');
        return new Uri(b + "/" + pathAndQuery.TrimStart('/'));
    }
}
