-- Neovim's built-in LSP client (0.7+) against `cpe lsp`, headless: open a
-- policy from policies/, type an error, get its diagnostic where it was typed,
-- hover a fact. Run by nvim_client.sh; CPE and SRC come from the environment.
local cpe, src = os.getenv('CPE'), os.getenv('SRC')
local function say(s) io.stderr:write(s .. '\n') end
local function fail(msg)
  say('not ok - ' .. msg)
  vim.cmd('cquit 1')
end

local file = src .. '/policies/ebi/tonsillectomy.cpl'
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
vim.bo[buf].filetype = 'cpl'
local id = vim.lsp.start_client({ name = 'cpe', cmd = { cpe, 'lsp', '--stdio' }, root_dir = src })
if not id then fail('the client did not start') end
vim.lsp.buf_attach_client(buf, id)
local up = vim.wait(10000, function()
  local c = vim.lsp.get_client_by_id(id)
  return c ~= nil and c.initialized == true
end, 20)
if not up then fail('cpe lsp did not initialize') end
say('ok - initialized')

-- Type an error: `>= 7` becomes `>= sevenn`.
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local row, col
for i, l in ipairs(lines) do
  local s = l:find('tonsillitis_episodes_last_12_months >= 7', 1, true)
  if s then
    row = i - 1
    col = l:find('7', s, true) - 1
    break
  end
end
if not row then fail('the criterion line is not in the file') end
vim.api.nvim_buf_set_text(buf, row, col, row, col + 1, { 'sevenn' })
local got = vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
if not got then fail('no diagnostics after typing an error') end
local d = vim.diagnostic.get(buf)[1]
if d.lnum ~= row or d.col ~= col then fail(('diagnostic at %d:%d, typed at %d:%d'):format(d.lnum, d.col, row, col)) end
if not d.message:find("unknown name 'sevenn'", 1, true) then fail('diagnostic message: ' .. d.message) end
say(('ok - typed error reported at %d:%d: %s'):format(row + 1, col + 1, d.message))

-- Hover a fact on the same line.
local res = vim.lsp.buf_request_sync(buf, 'textDocument/hover',
  { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = row, character = 12 } }, 5000)
local text = res and res[id] and res[id].result and res[id].result.contents.value or ''
if not text:find('integer in 0..100', 1, true) then fail('hover: ' .. vim.inspect(res)) end
say('ok - hover on a fact: ' .. text:match('^[^\n]*'))

-- Fix it: the diagnostics clear.
vim.api.nvim_buf_set_text(buf, row, col, row, col + 6, { '7' })
if not vim.wait(10000, function() return #vim.diagnostic.get(buf) == 0 end, 20) then fail('diagnostics did not clear') end
say('ok - fixed: diagnostics clear')
vim.lsp.stop_client(id)
vim.cmd('qa!')
