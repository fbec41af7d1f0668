using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mtc.Core.Hosting;

/// <summary>
/// Checks, before a host starts, that the addresses it will listen on are free, so that a port already in use is one
/// line saying so, not the web server's start failure with its stack trace after the database was opened.
/// </summary>
public static class ListenAddresses
{
    /// <summary>The first of <paramref name="urls"/> (<c>http://host:port</c>, <c>;</c>-separated) another process listens on, or null.</summary>
    public static string? FirstInUse(string? urls)
    {
        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Endpoint(url) is { } endpoint && InUse(endpoint))
            {
                return url;
            }
        }
        return null;
    }

    private static IPEndPoint? Endpoint(string url)
    {
        // Kestrel's wildcard hosts (*, +) are not valid URI hosts.
        var normalized = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Port <= 0)
        {
            return null;
        }
        var host = uri.Host.Trim('[', ']');
        var address = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var ip) ? ip
            : null;
        return address is null ? null : new IPEndPoint(address, uri.Port);
    }

    private static bool InUse(IPEndPoint endpoint)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // As the web server binds: a port whose old connections wait in TIME_WAIT is free; one with a listener is not.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(1);
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException)
        {
            // Not ours to judge (an address of another machine, no IPv6): the web server says what is wrong.
            return false;
        }
    }

    /// <summary>The one-line message for an address in use.</summary>
    public static string InUseMessage(string url, string setting) => string.Create(CultureInfo.InvariantCulture,
        $"{url} is already in use: another process listens there. Stop it, or choose another address with {setting}.");
}
