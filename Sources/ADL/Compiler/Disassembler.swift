// The disassembler: one line per instruction, `line  index  MNEMONIC  operands
// (meaning)`, then the functions defined inside, indented. `dis(f)` prints it.

public enum Disassembler {
    /// `globals` and `builtins` name the operands of LOAD_GLOBAL and LOAD_BUILTIN when given.
    public static func disassemble(_ proto: FunctionProto, indent: String = "", globals: [String] = [],
                                   builtins: [String] = []) -> String {
        let chunk = proto.chunk
        var out = "\(indent)function \(proto.name)(\(proto.parameters.joined(separator: ", ")))"
        out += " locals=\(proto.localCount) stack=\(proto.maxStack)\n"
        var lastLine: Int32 = -1
        for (i, ins) in chunk.code.enumerated() {
            let loc = i < chunk.locations.count ? chunk.locations[i] : .unknown
            let lineText = loc.line != lastLine ? String(loc.line) : ""
            lastLine = loc.line
            var line = indent + pad(lineText, 5) + pad(String(i), 5) + pad(ins.op.mnemonic, 22)
            line += operands(ins, proto, globals: globals, builtins: builtins)
            out += line.trimmingTrailingSpaces() + "\n"
        }
        for inner in chunk.functions {
            out += "\n" + disassemble(inner, indent: indent + "    ", globals: globals, builtins: builtins)
        }
        return out
    }

    static func operands(_ ins: Instruction, _ proto: FunctionProto, globals: [String] = [], builtins: [String] = []) -> String {
        let a = Int(ins.a), b = Int(ins.b)
        let chunk = proto.chunk
        func local(_ i: Int) -> String { i < proto.localNames.count ? proto.localNames[i] : "?" }
        switch ins.op {
        case .loadConst:
            return "\(a) (\(a < chunk.constants.count ? Formatting.repr(chunk.constants[a]) : "?"))"
        case .loadLocal, .loadLocalMove, .storeLocal, .deleteLocal, .loadCell, .storeCell, .makeCell:
            return "\(a) (\(local(a)))"
        case .loadFree, .storeFree:
            return "\(a) (\(a < proto.freeNames.count ? proto.freeNames[a] : "?"))"
        case .loadGlobal, .storeGlobal, .deleteGlobal:
            return a >= 0 && a < globals.count ? "\(a) (\(globals[a]))" : "\(a)"
        case .loadBuiltin:
            return a >= 0 && a < builtins.count ? "\(a) (\(builtins[a]))" : "\(a)"
        case .jump, .loop, .jumpIfFalse, .jumpIfFalseOrPop, .jumpIfTrueOrPop, .forIterator:
            return "\(a) (to \(a))"
        case .rangePrepare:
            return "\(a) (\(local(a)))"
        case .forRange:
            return "\(a) \(b) (counter \(local(a)), exit to \(b))"
        case .rangeNext:
            return "\(a) \(b) \(Int(ins.c)) (counter \(local(a)) into \(local(Int(ins.c))), back to \(b))"
        case .binaryLocalStack:
            return "\(a) \(ins.sub.mnemonic) (\(local(a)) \(Operators.symbol(ins.sub)) pop)"
        case .forRangeStoreGlobal, .rangeNextGlobal:
            let c = Int(ins.c)
            let name = c >= 0 && c < globals.count ? globals[c] : "?"
            let how = ins.op == .rangeNextGlobal ? "back to" : "exit to"
            return "\(a) \(b) \(c) (counter \(local(a)) into global \(name), \(how) \(b))"
        case .binaryGlobalConst:
            let name = a >= 0 && a < globals.count ? globals[a] : "?"
            let k = b < chunk.constants.count ? Formatting.repr(chunk.constants[b]) : "?"
            return "\(a) \(b) \(ins.sub.mnemonic) (\(name) \(Operators.symbol(ins.sub)) \(k))"
        case .binaryStoreGlobal:
            let name = a >= 0 && a < globals.count ? globals[a] : "?"
            return "\(a) \(ins.sub.mnemonic) (\(name) = pop \(Operators.symbol(ins.sub)) pop)"
        case .forRangeStore:
            return "\(a) \(b) \(Int(ins.c)) (counter \(local(a)) into \(local(Int(ins.c))), exit to \(b))"
        case .binaryLocalConst, .binaryStackConst, .binaryLocalLocal, .binaryStackLocal:
            let symbol = Operators.symbol(ins.sub)
            let right = ins.op == .binaryLocalConst || ins.op == .binaryStackConst
                ? (b < chunk.constants.count ? Formatting.repr(chunk.constants[b]) : "?") : local(b)
            let left = ins.op == .binaryLocalConst || ins.op == .binaryLocalLocal ? local(a) : "pop"
            let operands = left == "pop" ? "\(b)" : "\(a) \(b)"
            return "\(operands) \(ins.sub.mnemonic) (\(left) \(symbol) \(right))"
        case .updateLocalConst, .updateLocalLocal:
            let right = ins.op == .updateLocalConst
                ? (b < chunk.constants.count ? Formatting.repr(chunk.constants[b]) : "?") : local(b)
            let c = Int(ins.c)
            return "\(a) \(b) \(c) \(ins.sub.mnemonic) \(ins.sub2.mnemonic) "
                + "(\(local(c)) = \(local(c)) \(Operators.symbol(ins.sub2)) \(local(a)) \(Operators.symbol(ins.sub)) \(right))"
        case .branchLocalConst, .branchLocalLocal:
            let right = ins.op == .branchLocalConst
                ? (b < chunk.constants.count ? Formatting.repr(chunk.constants[b]) : "?") : local(b)
            return "\(a) \(b) \(Int(ins.c)) \(ins.sub.mnemonic) (unless \(local(a)) \(Operators.symbol(ins.sub)) \(right) to \(Int(ins.c)))"
        case .returnLocal:
            return "\(a) (\(local(a)))"
        case .binaryReturn:
            return "\(ins.sub.mnemonic) (return pop \(Operators.symbol(ins.sub)) pop)"
        case .fusedChain:
            let summary = a < chunk.fusedKernels.count ? chunk.fusedKernels[a].summary : "?"
            return "\(a) \(b) (\(summary), to \(b))"
        case .callGlobalLocalConst:
            let c = Int(ins.c)
            let k = c < chunk.constants.count ? Formatting.repr(chunk.constants[c]) : "?"
            return "\(a) \(b) \(c) \(ins.sub.mnemonic) (global \(a) called with \(local(b)) \(Operators.symbol(ins.sub)) \(k))"
        case .call, .indexAdd, .buildTuple, .buildList, .buildString, .buildRecord, .unpack, .getIndex, .deleteIndex:
            return "\(a)"
        case .callKeywords:
            return "\(a) \(b) (\(b < chunk.constants.count ? Formatting.repr(chunk.constants[b]) : "?"))"
        case .makeFunction:
            return "\(a) \(b) (\(a < chunk.functions.count ? chunk.functions[a].name : "?"), \(b) defaults)"
        case .formatValue:
            return "\(a) \(b)"
        case .getAttribute, .setAttribute, .fail:
            return "\(a) (\(a < chunk.constants.count ? Formatting.str(chunk.constants[a]) : "?"))"
        case .runCommand:
            let name = a < chunk.constants.count ? Formatting.str(chunk.constants[a]) : "?"
            let argument = b < chunk.constants.count ? Formatting.str(chunk.constants[b]) : "?"
            return "\(a) \(b) (\(name) \(argument))"
        case .setIndexLocal, .setIndexCell:
            return "\(a) \(b) (\(local(b)))"
        case .setIndexGlobal, .setIndexFree:
            return "\(a) \(b)"
        default:
            return ""
        }
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
