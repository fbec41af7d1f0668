using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Mtc.Cloud.Auth;
using Mtc.Cloud.Events;
using Mtc.Core.Wire;

namespace Mtc.Cloud.Hosting;

/// <summary>
/// What a generated client needs from the OpenAPI document beyond the routes' own metadata: the two ways to send a key,
/// the scope each operation needs, every problem it can answer (one shared schema), the idempotency headers, and a
/// description, format and bounds for each query parameter.
/// </summary>
internal static class ApiContract
{
    public const string Bearer = "bearer";
    public const string ApiKeyHeader = "apiKey";
    private const string ProblemSchema = "Problem";
    private const string ProblemMedia = "application/problem+json";

    /// <summary>Query and path parameters by name: one meaning across the API.</summary>
    private static readonly Dictionary<string, (string Description, string? Format)> ParameterDocs = new(StringComparer.Ordinal)
    {
        ["id"] = ("The id: a machine's id as its edge registered it, or an edge's id.", null),
        ["machineId"] = ("The machine's id, as its edge registered it.", null),
        ["from"] = ("Start of the range, inclusive: an ISO 8601 time (e.g. 2026-11-27T06:00:00Z; without an offset, UTC).", "date-time"),
        ["to"] = ("End of the range, exclusive: an ISO 8601 time (without an offset, UTC).", "date-time"),
        ["cursor"] = ("The nextCursor of the previous page, as given; omit it for the first page.", null),
        ["type"] = ("Only items of this type (e.g. cycle, status, part, alarm, setup, gap, or an integrator's own type).", null),
        ["dataItemId"] = ("Only observations of this data item (its id in the device model).", null),
        ["limit"] = ("Items per page.", null),
        ["Idempotency-Key"] = ("A unique key per logical request (1-255 visible ASCII characters, e.g. a UUID): a retry with the same key " +
            "and the same JSON body answers the stored response; the same key with another body is a 422.", null),
    };

    /// <summary>What each group of operations is for.</summary>
    private static readonly Dictionary<string, string> TagDocs = new(StringComparer.Ordinal)
    {
        ["Health"] = "Whether the cloud runs; no key needed.",
        ["Edge"] = "Edge gateways: the registration of their machines, batches applied exactly once, and each edge's last contact and gaps.",
        ["Events"] = "Integrators' events (exactly once per Idempotency-Key) and the feed of every event, derived or posted.",
        ["Machines"] = "Each machine's state, cycles, observations, setups and status timeline.",
        ["Summary"] = "Production numbers over a range, per machine and for the fleet: time per status, utilization, parts, cycles, alarms, setups; buckets by hour, day or shift in plant time.",
        ["Plant"] = "The plant's time zone and shift calendar, which day and shift buckets and the fleet page's today and this shift follow.",
        ["Webhooks"] = "Subscriptions that get events pushed as signed HTTP POSTs, and their deliveries.",
        ["Pages"] = "One-time links that sign a browser in to the fleet page without putting a key in a URL.",
        ["Alerts"] = "Alerts the cloud's rules open and resolve, with their evidence, and each tenant's rule settings.",
    };

    /// <summary>Request bodies whose nullable properties may be left out (the cloud reads a missing one as null).</summary>
    private static readonly HashSet<Type> RequestBodies = [typeof(Machines.SetupApi.SetupRequest), typeof(Machines.SetupApi.SetupMachine), typeof(ExternalEventApi.EventRequest),
        typeof(Plant.PlantShift)];

    public static OpenApiOptions AddApiContract(this OpenApiOptions options) => options
        .AddSchemaTransformer((schema, context, _) =>
        {
            // A positional record makes every property required; in a request, a nullable one is optional.
            if (RequestBodies.Contains(context.JsonTypeInfo.Type) && schema.Required is { } required && schema.Properties is { } properties)
            {
                foreach (var (name, property) in properties)
                {
                    if (property.Type is { } type && type.HasFlag(JsonSchemaType.Null) || property.OneOf?.Any(o => o.Type == JsonSchemaType.Null) == true)
                    {
                        required.Remove(name);
                    }
                }
            }
            return Task.CompletedTask;
        })
        .AddDocumentTransformer(async (doc, context, ct) =>
        {
            doc.Servers = [new OpenApiServer
            {
                Url = "{baseUrl}",
                Description = "The cloud this client talks to.",
                Variables = new Dictionary<string, OpenApiServerVariable>
                {
                    ["baseUrl"] = new() { Default = "http://localhost:5000", Description = "Scheme, host and port of the cloud (mtc cloud listens on http://localhost:5000 unless told otherwise)." },
                },
            }];
            foreach (var tag in doc.Tags ?? Enumerable.Empty<OpenApiTag>())
            {
                if (tag.Name is { } name && TagDocs.TryGetValue(name, out var about))
                {
                    tag.Description = about;
                }
            }
            doc.Components ??= new OpenApiComponents();
            doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            doc.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "mtc_<id>_<secret>",
                Description = "Authorization: Bearer mtc_<id>_<secret> (a key made by mtc keys create).",
            };
            doc.Components.SecuritySchemes[ApiKeyHeader] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-API-Key",
                Description = "The same key in an X-API-Key header.",
            };
            doc.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            doc.Components.Schemas[ProblemSchema] = Problem();
            // The data of a cycle event is checked by the cloud: its shape is part of the contract.
            doc.Components.Schemas[nameof(CycleData)] = await context.GetOrCreateSchemaAsync(typeof(CycleData), null, ct).ConfigureAwait(false);
            if (doc.Components.Schemas.TryGetValue(nameof(DerivedEvent), out var derived) && derived is OpenApiSchema { Properties: { } eventProperties })
            {
                eventProperties["data"] = new OpenApiSchema
                {
                    Description = "The event's data, a JSON object or null. For type cycle it is a CycleData object, checked by the cloud.",
                    AnyOf = [new OpenApiSchemaReference(nameof(CycleData), doc), new OpenApiSchema { Type = JsonSchemaType.Object | JsonSchemaType.Null }],
                };
            }
        })
        .AddOperationTransformer((operation, context, _) =>
        {
            var endpoint = context.Description.ActionDescriptor.EndpointMetadata;
            var anonymous = endpoint.OfType<IAllowAnonymous>().Any();
            var policies = endpoint.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
            var path = context.Description.RelativePath ?? "";
            var method = context.Description.HttpMethod ?? "GET";
            var hasBody = operation.RequestBody is not null || method is "POST" or "PUT" or "PATCH";
            DescribeParameters(operation);

            operation.Responses ??= new OpenApiResponses();
            Add(operation, 400, "The request is not valid: the problem's type and its parameter or field say what to fix.", context.Document);
            if (!anonymous && policies.Count > 0)
            {
                var scopes = string.Join(" or ", policies.Select(ScopesOf).Distinct(StringComparer.Ordinal));
                operation.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyHeader, context.Document)] = [] },
                ];
                operation.Description = Append(operation.Description, $"Needs a key with the scope {scopes} (admin may do everything).");
                Add(operation, 401, "No key, or a key that is unknown, revoked or expired.", context.Document);
                Add(operation, 403, "The key lacks the scope this operation needs: the problem names it.", context.Document);
                Add(operation, 429, "This key sent too many requests.", context.Document, RetryAfter("Seconds to wait before retrying."));
            }
            else
            {
                operation.Security = [];
            }
            if (path.Contains("{id}", StringComparison.Ordinal) || path.EndsWith("event", StringComparison.Ordinal))
            {
                Add(operation, 404, "No such machine or edge in this tenant.", context.Document);
            }
            if (hasBody)
            {
                Add(operation, 413, "The body is larger than the cloud accepts.", context.Document);
                Add(operation, 415, "The Content-Encoding is not supported (send gzip or none).", context.Document);
            }
            if (path.EndsWith("setup", StringComparison.Ordinal))
            {
                Add(operation, 409, "A machine is registered to another edge of this tenant.", context.Document);
            }
            if (path.EndsWith("ext/data", StringComparison.Ordinal))
            {
                Add(operation, 409, "predecessor-missing: the batch this one follows (afterSeq) is not stored yet; nothing was stored. " +
                    "Send it again once that batch is acknowledged.", context.Document,
                    RetryAfter("0: send it again at once, after the batch it follows.", minimum: "0"));
            }
            if ("/" + path == ExternalEventApi.Route)
            {
                DescribeIdempotency(operation, context.Document);
            }
            Add(operation, 503, "The database does not answer: retry after the Retry-After delay; nothing was stored.", context.Document,
                RetryAfter("Seconds to wait before retrying."));
            return Task.CompletedTask;
        });

    private static void DescribeIdempotency(OpenApiOperation operation, OpenApiDocument? doc)
    {
        operation.Parameters ??= [];
        operation.Parameters.Insert(0, new OpenApiParameter
        {
            Name = "Idempotency-Key",
            In = ParameterLocation.Header,
            Required = true,
            Description = ParameterDocs["Idempotency-Key"].Description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 255, Pattern = "^[!-~]+$" },
        });
        if (operation.Responses!.TryGetValue("200", out var ok) && ok is OpenApiResponse okResponse)
        {
            okResponse.Headers ??= new Dictionary<string, IOpenApiHeader>();
            okResponse.Headers[ExternalEventApi.ReplayedHeader] = new OpenApiHeader
            {
                Description = "true when this is the stored response of an earlier request with the same key and body.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["true"] },
            };
        }
        Add(operation, 409, "A request with this Idempotency-Key is still running: retry after the Retry-After delay.", doc,
            RetryAfter("Seconds to wait before retrying (the first request usually ends within it)."));
        Add(operation, 422, "This Idempotency-Key was used with another body: use a new key for a new request.", doc);
    }

    private static void DescribeParameters(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameter.Name is not { } name || !ParameterDocs.TryGetValue(name, out var docs))
            {
                continue;
            }
            parameter.Description = string.IsNullOrEmpty(parameter.Description) ? docs.Description : parameter.Description;
            if (docs.Format is { } format && parameter.Schema is OpenApiSchema schema)
            {
                schema.Format = format;
            }
        }
    }

    /// <summary>The scopes a policy needs, as a sentence part.</summary>
    private static string ScopesOf(string policy) => policy == AuthSetup.SetupPolicy ? $"{Scopes.EdgeIngest} or {Scopes.ExtWrite}" : policy;

    private static void Add(OpenApiOperation operation, int status, string description, OpenApiDocument? doc, params (string Name, IOpenApiHeader Header)[] headers)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.ContainsKey(key))
        {
            return;
        }
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [ProblemMedia] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, doc) } },
        };
        if (headers.Length > 0)
        {
            response.Headers = headers.ToDictionary(h => h.Name, h => h.Header);
        }
        operation.Responses[key] = response;
    }

    private static (string, IOpenApiHeader) RetryAfter(string description, string minimum = "1") =>
        ("Retry-After", new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = minimum } });

    private static string Append(string? text, string more) => string.IsNullOrEmpty(text) ? more : text + " " + more;

    /// <summary>RFC 9457 problem details as the cloud writes them: a stable type per kind of error, plus named extensions.</summary>
    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details. type is stable (urn:mtc:problem:<slug>) and is what clients branch on; extensions " +
            "such as parameter, field, requiredScopes or retryAfterSeconds say more.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "urn:mtc:problem:<slug>, e.g. urn:mtc:problem:invalid-request." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the kind of problem." },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "The HTTP status code." },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "What went wrong in this request, and how to fix it." },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = "The request path." },
        },
        Required = new HashSet<string>(StringComparer.Ordinal) { "type", "title", "status" },
        AdditionalPropertiesAllowed = true,
    };
}
