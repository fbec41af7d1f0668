using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Mtc.Cloud.Hosting;
using Mtc.Cloud.Observability;
using Npgsql;

namespace Mtc.Cloud.Hardening;

/// <summary>
/// The one place a store failure that will pass (server down or restarting, connection refused or cut, SQLite busy,
/// locked or not openable) becomes a 503 with <c>Retry-After</c> and a <c>database-unavailable</c> problem instead of
/// a 500, on every route. Clients (the edge's uplink among them) retry 503s; any other exception stays a 500.
/// </summary>
internal sealed class DatabaseUnavailableHandler(IOptions<ObservabilityOptions> options, EdgeActivityCache cache, ILogger<DatabaseUnavailableHandler> log)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsTransient(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }
        cache.DatabaseState(false);
        Log.DatabaseUnavailable(log, httpContext.Request.Method, httpContext.Request.Path, Innermost(exception).Message);
        var seconds = options.Value.DatabaseRetryAfterSeconds;
        httpContext.Response.Clear();
        httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.DatabaseUnavailable(seconds).ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    /// <summary>Whether the exception (or one it wraps) is the database being out of reach for now, rather than a bug.</summary>
    public static bool IsTransient(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // IsTransient covers connection refused, broken connections and timeouts; the SQL states are the
                // server going down or starting up (57P01 admin shutdown, 57P03 cannot connect now, 08xxx connection).
                case PostgresException p when p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.IsTransient:
                    return true;
                case NpgsqlException n when n is not PostgresException && (n.IsTransient || n.InnerException is SocketException or IOException or TimeoutException):
                    return true;
                case SqliteException s when s.SqliteErrorCode is 5 or 6 or 14:
                    return true;
                case SocketException:
                    return true;
            }
        }
        return false;
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
