using System.Text;

namespace Mtc.Core.Shdr;

/// <summary>
/// Reads SHDR line by line, keeping what spans lines: line numbers, multiline asset bodies
/// (<c>@ASSET@|id|type|--multiline--TOKEN</c> up to a line <c>--multiline--TOKEN</c>) and the default device
/// set by <c>* device: d</c>. Pull lines from a <see cref="TextReader"/> with <see cref="TryRead"/>, or push
/// lines (e.g. from <see cref="ShdrLineAssembler"/>) with <see cref="Accept"/>. Malformed lines are counted
/// and reported as results, never thrown, unless you ask for <see cref="ReadAll"/>.
/// </summary>
public sealed partial class ShdrReader
{
    public const string MultilineMarker = "--multiline--";

    private readonly TextReader? _source;
    private readonly ShdrLineParser _parser;
    private readonly ParserLimits _limits;
    private ShdrAssetCommand? _openAsset;
    private StringBuilder? _body;

    public ShdrReader(TextReader source, IShdrKeyResolver? resolver = null, ParserLimits? limits = null, TimeProvider? clock = null)
        : this(resolver, limits, clock)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
    }

    /// <summary>A reader that is pushed lines with <see cref="Accept"/>.</summary>
    public ShdrReader(IShdrKeyResolver? resolver = null, ParserLimits? limits = null, TimeProvider? clock = null)
    {
        _parser = new ShdrLineParser(resolver, clock);
        _limits = limits ?? ParserLimits.Default;
    }

    /// <summary>Number of the last line read (1-based; 0 before the first).</summary>
    public int LineNumber { get; private set; }

    public int MalformedLines { get; private set; }

    /// <summary>The device for keys without a prefix; set by <c>* device: d</c>, or by you.</summary>
    public string? DefaultDevice
    {
        get => _parser.DefaultDevice;
        set => _parser.DefaultDevice = value;
    }

    /// <summary>True while the lines of a multiline asset are being collected.</summary>
    public bool InMultilineAsset => _openAsset is not null;

    /// <summary>Reads the next line, error or parsed; skips blank lines. False at the end of the input.</summary>
    public bool TryRead(out ShdrParseResult result)
    {
        if (_source is null)
        {
            throw new InvalidOperationException("This reader is pushed lines with Accept.");
        }

        while (TryReadLine(out var line, out var overLong))
        {
            result = overLong ? OverLong(line.Length) : Accept(line);
            if (!result.IsBlank)
            {
                return true;
            }
        }

        result = Complete();
        return !result.IsBlank;
    }

    /// <summary>Every line to the end; throws <see cref="MtConnectFormatException"/> at the first malformed one.</summary>
    public IEnumerable<ShdrLine> ReadAll()
    {
        while (TryRead(out var result))
        {
            yield return result.GetLineOrThrow()!;
        }
    }

    /// <summary>
    /// Takes the next line (without its line break). The result is blank for a blank line and for the
    /// lines of a multiline asset before its last.
    /// </summary>
    public ShdrParseResult Accept(ReadOnlySpan<char> line)
    {
        if (line.Length > _limits.MaxShdrLineLength)
        {
            return OverLong(line.Length);
        }

        LineNumber++;

        if (_openAsset is not null)
        {
            return ContinueAsset(line);
        }

        var result = _parser.TryParse(line, LineNumber);
        switch (result.Line)
        {
            case ShdrAssetCommand { MultilineTerminator: not null } asset:
                _openAsset = asset;
                _body = new StringBuilder();
                return default;
            case ShdrCommand command when command.Name.Equals("device", StringComparison.OrdinalIgnoreCase):
                _parser.DefaultDevice = command.Value.Length == 0 ? null : command.Value;
                break;
        }

        return Count(result);
    }

    /// <summary>At the end of the input: an error when a multiline asset was left open, otherwise blank.</summary>
    public ShdrParseResult Complete()
    {
        if (_openAsset is null)
        {
            return default;
        }

        var open = _openAsset;
        _openAsset = null;
        _body = null;
        return Count(new ShdrParseResult(null, new ShdrParseError(FormatErrorKind.Truncated,
            $"multiline asset '{ShdrLineParser.Excerpt(open.AssetId)}' has no closing line '{ShdrLineParser.Excerpt(open.MultilineTerminator)}'", open.LineNumber, 0, 0)));
    }

    private ShdrParseResult ContinueAsset(ReadOnlySpan<char> line)
    {
        if (line.TrimEnd().SequenceEqual(_openAsset!.MultilineTerminator))
        {
            var asset = _openAsset with { Body = _body!.ToString(), MultilineTerminator = null };
            _openAsset = null;
            _body = null;
            return new ShdrParseResult(asset, null);
        }

        if (_body!.Length + line.Length > _limits.MaxPartBytes)
        {
            var open = _openAsset;
            _openAsset = null;
            _body = null;
            return Count(new ShdrParseResult(null, new ShdrParseError(FormatErrorKind.TooLarge,
                $"multiline asset '{ShdrLineParser.Excerpt(open.AssetId)}' is over {_limits.MaxPartBytes} characters", open.LineNumber, 0, 0)));
        }

        if (_body.Length > 0)
        {
            _body.Append('\n');
        }

        _body.Append(line.TrimEnd('\r'));
        return default;
    }

    private ShdrParseResult OverLong(int length)
    {
        LineNumber++;
        return Count(new ShdrParseResult(null, new ShdrParseError(FormatErrorKind.TooLarge,
            $"line of {(length > _limits.MaxShdrLineLength ? length.ToString(System.Globalization.CultureInfo.InvariantCulture) : "more")} characters is over the limit of {_limits.MaxShdrLineLength}", LineNumber, 0, 0)));
    }

    private ShdrParseResult Count(ShdrParseResult result)
    {
        if (result.Error is not null)
        {
            MalformedLines++;
        }

        return result;
    }
}
