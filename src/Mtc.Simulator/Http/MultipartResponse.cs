using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Http;

/// <summary>
/// A chunked multipart response as an agent streams it: every part carries its own Content-Type and
/// Content-Length and is flushed as soon as it is written (MTConnect.NET's spelling and byte order mark with
/// <see cref="Agent.Quirks.AgentQuirks.BomBeforeBoundary"/>).
/// </summary>
internal sealed class MultipartResponse(HttpContext http, SimAgent agent)
{
    private readonly string _boundary = Guid.NewGuid().ToString("N");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = $"{agent.Version.MultipartMediaType};boundary={_boundary}";
        http.Response.Headers.CacheControl = "no-store, max-age=0";
        await http.Response.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WritePartAsync(byte[] document, CancellationToken cancellationToken)
    {
        var header = agent.Quirks.BomBeforeBoundary
            ? string.Create(CultureInfo.InvariantCulture, $"\uFEFF--{_boundary}\r\nContent-type: {AgentApi.XmlMediaType}\r\nContent-length: {document.Length}\r\n\r\n")
            : string.Create(CultureInfo.InvariantCulture, $"--{_boundary}\r\nContent-Type: {AgentApi.XmlMediaType}\r\nContent-Length: {document.Length}\r\n\r\n");
        var body = http.Response.Body;
        await body.WriteAsync(Encoding.UTF8.GetBytes(header), cancellationToken).ConfigureAwait(false);
        await body.WriteAsync(document, cancellationToken).ConfigureAwait(false);
        await body.WriteAsync("\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="loop"/> until the client leaves or the agent drops its connections; a drop or a
    /// restart aborts the TCP connection without ending the chunked body, like an agent that went away.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> loop)
    {
        var dropped = agent.ConnectionsToken;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, dropped);
        try
        {
            await StartAsync(linked.Token).ConfigureAwait(false);
            await loop(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            // The client left or the agent dropped the connection: see below.
        }
        catch (IOException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-write.
        }

        if (dropped.IsCancellationRequested)
        {
            http.Abort();
        }
    }
}
