using System.Net;
using System.Net.Sockets;

namespace Mtc.Cloud.Webhooks;

/// <summary>
/// Which addresses a webhook may reach. Private (RFC 1918, unique local), loopback, link-local, shared (CGNAT), unspecified
/// and multicast addresses are refused unless <see cref="WebhookOptions.AllowPrivateNetworks"/> is set. Checked when a
/// subscription is made and again on every connection (the address connected to, so a DNS answer that changes in between
/// cannot point a delivery inside).
/// </summary>
internal static class WebhookAddresses
{
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return false;
        }
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 || b[0] >= 224 || (b[0] == 169 && b[1] == 254) || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && b[1] is >= 64 and <= 127));
        }
        var v6 = address.GetAddressBytes();
        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (v6[0] & 0xFE) == 0xFC);
    }

    /// <summary>Why a subscription URL cannot be used, or null when it can.</summary>
    public static async Task<string?> CheckUrlAsync(string? text, bool allowPrivate, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Length > 2048 || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return "url must be an absolute http or https URL (at most 2048 characters).";
        }
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"url scheme '{uri.Scheme}' is not allowed: use http or https.";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "url must not carry a user name or password.";
        }
        if (allowPrivate)
        {
            return null;
        }
        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.IdnHost, out var literal))
        {
            addresses = [literal];
        }
        else if (uri.IdnHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) || uri.IdnHost.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return $"url host '{uri.Host}' is a loopback name; webhooks must reach a public address.";
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(uri.IdnHost, ct).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                // A name that does not resolve now may later; every delivery checks the addresses it connects to.
                return null;
            }
        }
        return addresses.FirstOrDefault(a => !IsPublic(a)) is { } refused
            ? $"url host '{uri.Host}' is {refused}, a private, loopback or link-local address; webhooks must reach a public address."
            : null;
    }

    /// <summary>Connects to the first allowed address of the host, refusing the connection when none is allowed.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken ct)
    {
        var endPoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, ct).ConfigureAwait(false);
        var allowed = addresses.Where(a => allowPrivate || IsPublic(a)).ToList();
        if (allowed.Count == 0)
        {
            throw new HttpRequestException(
                $"refused: {endPoint.Host} resolves only to private, loopback or link-local addresses ({string.Join(", ", addresses.Select(a => a.ToString()))})");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed.Select(a => new IPEndPoint(a, endPoint.Port)).First(), ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
