// The Commissioning Policy Language (CPL).
//
// This grammar only recognises the text. Everything after the parse tree —
// names, types, units, reachability — belongs to the engine (engine/syntax builds
// the AST, engine/check checks it). Keep semantic rules out of here so that a
// policy author gets one complete list of errors from the checker rather than
// the first syntax error the parser happens to trip over.
grammar Cpl;

file_ : topDecl* EOF ;

topDecl
    : moduleDecl
    | policyDecl
    | testDecl
    ;

moduleDecl : 'module' qualifiedName '{' member* '}' ;

policyDecl : 'policy' qualifiedName ('extends' qualifiedName)? '{' member* '}' ;

member
    : headerItem
    | useDecl
    | typeDecl
    | factDecl
    | codesetDecl
    | groupDecl
    | criterionDecl
    | valueDecl
    | outputDecl
    | decideBlock
    | codingDecl
    ;

headerItem
    : 'title' STRING                                  # titleItem
    | 'version' (STRING | DATE)                       # versionItem
    | 'effective' DATE ('until' DATE)?                # effectiveItem
    | 'owner' STRING                                  # ownerItem
    | 'source' STRING                                 # sourceItem
    | 'route' accessRoute                             # routeItem
    | 'ifr' (ALLOWED='allowed' | 'none')              # ifrItem
    | 'variant' 'of' qualifiedName 'when' expr        # variantItem
    | 'next' 'step' name STRING                       # nextStepItem
    ;

accessRoute
    : 'criteria' 'based'
    | 'prior' 'approval'
    | 'not' 'routinely' 'commissioned'
    ;

useDecl : 'use' qualifiedName ;

typeDecl : 'type' name '=' typeRef ;

factDecl : 'fact' name ':' typeRef STRING? ;

typeRef
    : 'boolean'                                              # boolType
    | 'integer' UNIT? intRange?                              # intType
    | 'decimal' UNIT? decRange?                              # decType
    | 'date'                                                 # dateType
    | 'text'                                                 # textType
    | 'enum' '(' name (',' name)* ')'                        # enumType
    | 'levels' '(' name ('<' name)* ')'                      # levelsType
    | 'list' 'of' name                                       # listType
    | name ('up' 'to' upTo=name)? ('except' name (',' name)*)?   # namedType
    ;

intRange : 'in' signedInt '..' signedInt ;
decRange : 'in' signedNumber '..' signedNumber ;
signedInt : '-'? INT ;
signedNumber : '-'? (INT | DECIMAL) ;

codesetDecl : 'codeset' name STRING? '=' '{' codeItem (',' codeItem)* ','? '}' ;
codeItem : code ('-' code)? ;
code : name | STRING ;

groupDecl : 'group' name '=' '(' name (',' name)* ','? ')' ;

criterionDecl : OVERRIDE='override'? 'criterion' name STRING '=' expr ;
valueDecl     : OVERRIDE='override'? 'value' name STRING? '=' expr ;
outputDecl    : OVERRIDE='override'? 'output' name STRING? '=' expr ;

decideBlock : OVERRIDE='override'? 'decide' '{' rule_+ '}' ;

rule_
    : outcome ('route' name)? 'when' expr     # whenRule
    | 'otherwise' outcome ('route' name)?     # otherwiseRule
    ;

outcome : name ;

// A named coding declaration is a reusable fragment (e.g. `adults`); the
// unnamed one in a policy is that policy's coding rule for audits.
codingDecl : OVERRIDE='override'? 'coding' name? codingOption* '=' expr ;
codingOption
    : 'including' 'emergencies'                # includingEmergencies
    | 'without' 'cancer' 'exclusion'           # withoutCancerExclusion
    ;

// ---------------------------------------------------------------- tests

// `like "other test"` starts from that test's facts and date, so boundary
// tests state only the fact they vary.
testDecl : 'test' STRING 'for' qualifiedName ('like' STRING)? '{' testItem* '}' ;

testItem
    : 'as' 'of' DATE                                           # asOfItem
    | 'given' binding (',' binding)* ','?                      # givenItem
    | 'expect' 'error' STRING?                                 # expectErrorItem
    | 'expect' 'missing' ('none' | '(' name (',' name)* ')')   # expectMissingItem
    | 'expect' 'reasons' '(' name (',' name)* ')'              # expectReasonsItem
    | 'expect' 'output' name '=' factValue                     # expectOutputItem
    | 'expect' outcome (',' 'route' name)?                     # expectOutcomeItem
    ;

binding : name '=' factValue ;

factValue
    : '-'? (INT | DECIMAL)                                     # numberValue
    | DATE                                                     # dateValue
    | STRING                                                   # stringValue
    | ('true' | 'false')                                       # boolValue
    | 'unknown'                                                # unknownValue
    | '[' (factValue (',' factValue)*)? ']'                    # listValue
    | UNIT                                                     # oneItemList
    | name                                                     # nameValue
    ;

// ---------------------------------------------------------------- expressions

expr : orExpr ;

orExpr  : andExpr ('or' andExpr)* ;
andExpr : notExpr ('and' notExpr)* ;
notExpr
    : 'not' notExpr                                            # negation
    | predicate                                                # plainPredicate
    ;

// Left-factored: the value is parsed once and the tail says what is asked of
// it, so the parser never has to look ahead across a whole expression.
// codePosition comes first: `primary`/`secondary` are also names, and SLL
// prediction (which cannot see the calling context) finds `primary procedure`
// ambiguous and takes the first alternative. With valuePredicate first that
// guess was wrong for every coding rule, so half the policy files failed SLL
// and were parsed a second time in full LL mode. The language is unchanged:
// full LL (the fallback) resolves `primary` by the real context either way,
// and an SLL parse that succeeds is a parse of the input.
predicate
    : position=('primary' | 'secondary' | 'any') kind=('procedure' | 'diagnosis') 'in' setExpr   # codePosition
    | additive predicateTail?                                  # valuePredicate
    ;

predicateTail
    : compareOp additive                                       # comparisonTail
    | 'is' NOT='not'? additive                                 # isTail
    | NOT='not'? 'in' setExpr                                  # membershipTail
    | 'between' additive 'and' additive                        # betweenTail
    | 'within' additive name                                   # withinTail
    | 'has' setExpr                                            # hasTail
    ;

compareOp : '<' | '<=' | '>' | '>=' | '==' | '!=' ;

setExpr
    : '{' setItem (',' setItem)* ','? '}'                      # setLiteral
    | name                                                     # setRef
    ;
setItem : (name | STRING | '-'? INT | '-'? DECIMAL) ('-' (name | STRING))? ;

additive : multiplicative (addOp multiplicative)* ;
addOp : '+' | '-' ;
multiplicative : unary (mulOp unary)* ;
mulOp : '*' | '/' ;
unary
    : '-' unary                                                # negate
    | atom                                                     # plainAtom
    ;

atom
    : (INT | DECIMAL) UNIT?                                    # numberLiteral
    | DATE                                                     # dateLiteral
    | STRING                                                   # stringLiteral
    | ('true' | 'false')                                       # boolLiteral
    | 'all' 'of' '(' expr (',' expr)* ','? ')'                 # allOf
    | 'any' 'of' '(' expr (',' expr)* ','? ')'                 # anyOf
    | 'at' 'least' INT 'of' '(' expr (',' expr)* ','? ')'      # atLeast
    | 'count' 'of' name 'where' expr                           # countOf
    | 'if' expr 'then' expr 'else' expr                        # ifThenElse
    | 'it'                                                     # itRef
    | name '(' (expr (',' expr)*)? ')'                         # call
    | name                                                     # nameRef
    | '(' expr ')'                                             # parens
    ;

qualifiedName : name ('.' name)* ;

// Words that are keywords somewhere but make perfectly good names elsewhere
// (an enum member `none`, a fact called `source`, the level `no`).
name
    : IDENT
    | 'none' | 'title' | 'version' | 'effective' | 'until' | 'owner' | 'source'
    | 'route' | 'ifr' | 'allowed' | 'criteria' | 'based' | 'prior' | 'approval'
    | 'routinely' | 'commissioned' | 'variant' | 'use' | 'type' | 'boolean'
    | 'integer' | 'decimal' | 'date' | 'text' | 'enum' | 'levels' | 'list'
    | 'up' | 'to' | 'except' | 'primary' | 'secondary' | 'procedure'
    | 'diagnosis' | 'including' | 'emergencies' | 'without' | 'cancer'
    | 'exclusion' | 'as' | 'given' | 'expect' | 'error' | 'missing'
    | 'reasons' | 'output' | 'least' | 'count' | 'where'
    | 'within' | 'has' | 'unknown' | 'extends' | 'like' | 'next' | 'step'
    ;

// ---------------------------------------------------------------- tokens

DATE    : [0-9][0-9][0-9][0-9] '-' [0-9][0-9] '-' [0-9][0-9] ;
DECIMAL : [0-9]+ '.' [0-9]+ ;
INT     : [0-9]+ ;
STRING  : '"' (~["\\\r\n] | '\\' .)* '"' ;
// A unit starts with a letter or % and has no quotes, commas or spaces, so a
// list literal ["37/41"] is never mistaken for one.
UNIT    : '[' [a-zA-Z%] ~[\]\r\n", ]* ']' ;
IDENT   : [a-zA-Z_] [a-zA-Z0-9_]* ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS : [ \t\r\n]+ -> channel(HIDDEN) ;

// Anything else becomes a token the parser rejects with a precise location,
// instead of the lexer printing to stderr.
ERROR_CHAR : . ;
