import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, askAhead, http, setCsrfToken, setUnauthorizedHandler, withQuery } from '@/api/request'

function reply(status: number, body: unknown, type = 'application/json') {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'Content-Type': type } })
}

afterEach(() => {
  vi.unstubAllGlobals()
  setCsrfToken('')
  setUnauthorizedHandler(null)
})

describe('request client', () => {
  it('builds queries without empty values', () => {
    expect(withQuery('/x', { a: 'b c', n: 0, empty: '', no: false, yes: true, u: undefined })).toBe('/x?a=b+c&n=0&yes=true')
    expect(withQuery('/x', {})).toBe('/x')
  })

  it('sends the CSRF token on writes only', async () => {
    const fetch = vi.fn().mockImplementation(() => Promise.resolve(reply(200, { ok: true })))
    vi.stubGlobal('fetch', fetch)
    setCsrfToken('tok')
    await http.get('/api/v1/cases')
    await http.post('/api/v1/cases', { a: 1 })
    expect(fetch.mock.calls[0][1].headers['X-CSRF-Token']).toBeUndefined()
    expect(fetch.mock.calls[1][1].headers['X-CSRF-Token']).toBe('tok')
    expect(fetch.mock.calls[1][1].body).toBe('{"a":1}')
    expect(fetch.mock.calls[1][1].credentials).toBe('same-origin')
  })

  it('turns problem+json into an ApiError with messages by field', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(reply(400, {
      title: '请求内容有误', status: 400, detail: '请检查', code: 'validation',
      errors: [{ field: 'title', message: '必填' }, { field: 'title', message: '过长' }, { field: 'reporter.phone', message: '格式不正确' }],
    }, 'application/problem+json')))
    const err = (await http.post('/api/v1/public/cases', {}).catch((e) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(400)
    expect(err.code).toBe('validation')
    expect(err.message).toBe('请检查')
    expect(err.fields).toEqual({ title: '必填；过长', 'reporter.phone': '格式不正确' })
  })

  it('says a problem in English from its codes, the server\'s Chinese the fallback', async () => {
    const { i18n } = await import('@/i18n')
    const problem = {
      title: '请求内容有误', status: 400, detail: '有 3 处输入需要修改', code: 'case.invalid',
      errors: [{ field: 'title', message: '不能超过 100 个字符', rule: 'max_chars', args: ['100'] },
        { field: 'channel', message: '取值应为：letter、visit', rule: 'one_of', args: ['letter', 'visit'] },
        { field: 'unit', message: '单位不在本市' }],
    }
    vi.stubGlobal('fetch', vi.fn().mockImplementation(() => Promise.resolve(reply(400, problem, 'application/problem+json'))))
    i18n.global.locale.value = 'en'
    try {
      const err = (await http.post('/api/v1/cases', {}).catch((e) => e)) as ApiError
      expect(err.message).toBe('3 fields need correcting')
      expect(err.fields).toEqual({ title: 'At most 100 characters', channel: 'Should be one of: letter, visit', unit: '单位不在本市' })
      vi.stubGlobal('fetch', vi.fn().mockResolvedValue(reply(400, { ...problem, errors: problem.errors.slice(2) }, 'application/problem+json')))
      expect(((await http.post('/api/v1/cases', {}).catch((e) => e)) as ApiError).message).toBe('1 field needs correcting')
      vi.stubGlobal('fetch', vi.fn().mockResolvedValue(reply(401, { title: '未登录', status: 401, detail: '用户名或密码错误', code: 'auth.bad_credentials' }, 'application/problem+json')))
      expect(((await http.post('/api/v1/auth/login', {}).catch((e) => e)) as ApiError).message).toBe('Wrong username or password')
    } finally {
      i18n.global.locale.value = 'zh-CN'
    }
    vi.stubGlobal('fetch', vi.fn().mockImplementation(() => Promise.resolve(reply(400, problem, 'application/problem+json'))))
    const zh = (await http.post('/api/v1/cases', {}).catch((e) => e)) as ApiError
    expect(zh.message).toBe('有 3 处输入需要修改')
    expect(zh.fields.title).toBe('不能超过 100 个字符')
  })

  it('reports a non-JSON failure and a network failure plainly', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(reply(502, 'bad gateway', 'text/plain')))
    const e1 = (await http.get('/x').catch((e) => e)) as ApiError
    expect(e1).toBeInstanceOf(ApiError)
    expect(e1.status).toBe(502)
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')))
    const e2 = (await http.get('/x').catch((e) => e)) as ApiError
    expect(e2.status).toBe(0)
    expect(e2.message).toContain('无法连接服务器')
  })

  it('calls the sign-in handler on 401 from staff endpoints, not from sign-in itself', async () => {
    const onUnauthorized = vi.fn()
    setUnauthorizedHandler(onUnauthorized)
    vi.stubGlobal('fetch', vi.fn().mockImplementation(() => Promise.resolve(reply(401, { title: '需要登录', status: 401 }))))
    await http.post('/api/v1/auth/mfa', {}).catch(() => undefined)
    expect(onUnauthorized).not.toHaveBeenCalled()
    await http.get('/api/v1/cases').catch(() => undefined)
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })
})

describe('answers asked ahead', () => {
  it('hands a page the answer the router asked for, once, and asks afresh after that', async () => {
    const fetch = vi.fn().mockImplementation(() => Promise.resolve(reply(200, { n: fetch.mock.calls.length })))
    vi.stubGlobal('fetch', fetch)
    askAhead(() => http.get('/api/v1/exams', { view: 'first' }))
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(await http.get('/api/v1/exams', { view: 'first' })).toEqual({ n: 1 })
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(await http.get('/api/v1/exams', { view: 'first' })).toEqual({ n: 2 })
    expect(await http.get('/api/v1/exams')).toEqual({ n: 3 })  // another address: its own request
  })

  it('drops what a write may have changed, and warns of an answer no page took', async () => {
    const fetch = vi.fn().mockImplementation(() => Promise.resolve(reply(200, { n: fetch.mock.calls.length })))
    vi.stubGlobal('fetch', fetch)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    askAhead(() => http.get('/api/v1/cases/1'))
    await http.post('/api/v1/cases/1/actions/accept', {})
    expect(await http.get('/api/v1/cases/1')).toEqual({ n: 3 })
    askAhead(() => http.get('/api/v1/cases/2'))
    askAhead(() => http.get('/api/v1/cases/3'))
    expect(warn).toHaveBeenCalledWith('asked ahead and not taken: /api/v1/cases/2')
    warn.mockRestore()
  })

  it('keeps the taker\'s abort, and its failure for the taker to show', async () => {
    let answer: (r: Response) => void = () => undefined
    vi.stubGlobal('fetch', vi.fn().mockImplementation(() => new Promise<Response>((ok) => (answer = ok))))
    askAhead(() => http.get('/api/v1/cases', { offset: 0 }))
    const stop = new AbortController()
    const taken = http.get('/api/v1/cases', { offset: 0 }, stop.signal)
    stop.abort()
    await expect(taken).rejects.toMatchObject({ name: 'AbortError' })
    answer(reply(200, {}))
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(reply(404, { title: 'x', status: 404, code: 'case.not_found' }, 'application/problem+json')))
    askAhead(() => http.get('/api/v1/cases/9'))
    await expect(http.get('/api/v1/cases/9')).rejects.toMatchObject({ code: 'case.not_found' })
  })
})
