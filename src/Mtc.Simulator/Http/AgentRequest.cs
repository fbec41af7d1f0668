using System.Globalization;
using Microsoft.AspNetCore.Http;
using Mtc.Core.Model;
using Mtc.Simulator.Agent;

namespace Mtc.Simulator.Http;

/// <summary>An MTConnect request error with the HTTP status an agent answers it with.</summary>
internal sealed class AgentRequestException(AgentError error, int status) : Exception(error.Message)
{
    public AgentError Error { get; } = error;
    public int Status { get; } = status;

    /// <summary>The asset an ASSET_NOT_FOUND is about (the 2.6+ error names it in <c>AssetId</c>).</summary>
    public string? AssetId { get; init; }

    public static AgentRequestException InvalidRequest(string message) =>
        new(new AgentError(AgentErrorCodes.InvalidRequest, message), StatusCodes.Status400BadRequest);

    /// <summary><paramref name="value"/> outside [<paramref name="minimum"/>, <paramref name="maximum"/>]: 400, as the reference agent answers.</summary>
    public static AgentRequestException OutOfRange(string name, long value, long minimum, long maximum)
    {
        var message = value < minimum
            ? $"'{name}' must be greater than {minimum - 1}"
            : $"'{name}' must be less than {maximum + 1}";
        var error = new AgentError(AgentErrorCodes.OutOfRange, message)
        {
            ElementName = "OutOfRange",
            Parameter = new QueryParameter(name, value.ToString(CultureInfo.InvariantCulture), minimum, maximum),
        };
        return new AgentRequestException(error, StatusCodes.Status400BadRequest);
    }

    public static AgentRequestException NoDevice(string device) =>
        new(new AgentError(AgentErrorCodes.NoDevice, $"Could not find the device '{device}'"), StatusCodes.Status404NotFound);
}

/// <summary>Reads and checks the query of an MTConnect request.</summary>
internal static class AgentRequest
{
    public static long? Long(HttpRequest request, string name)
    {
        if (!request.Query.TryGetValue(name, out var values))
        {
            return null;
        }

        var text = values.ToString();
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw AgentRequestException.InvalidRequest($"'{name}' must be an integer, not '{text}'");
    }

    public static int? Int(HttpRequest request, string name)
    {
        var value = Long(request, name);
        return value is null ? null
            : value is >= int.MinValue and <= int.MaxValue ? (int)value
            : throw AgentRequestException.InvalidRequest($"'{name}' is too large: {value}");
    }

    public static void Check(string name, long value, long minimum, long maximum)
    {
        if (value < minimum || value > maximum)
        {
            throw AgentRequestException.OutOfRange(name, value, minimum, maximum);
        }
    }

    public static void RefuseUnsupported(HttpRequest request)
    {
        if (request.Query.ContainsKey("path"))
        {
            throw new AgentRequestException(
                new AgentError(AgentErrorCodes.Unsupported, "The 'path' filter is not supported by this agent; ask per device instead (/{device}/sample)."),
                StatusCodes.Status400BadRequest);
        }
    }

    public static DeviceModel? Device(SimAgent agent, string? name) =>
        name is null ? null : agent.Catalog.FindDevice(name) ?? throw AgentRequestException.NoDevice(name);
}
