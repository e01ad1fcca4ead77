<?xml version="1.0" encoding="UTF-8"?>
<!--
  layout.xsl - the frame every page of Cairn shares.

  A view imports this file (<xsl:import href="../layout.xsl"/>) and supplies
  two templates for its view document's root element:
    mode="title"    the page title (text), shown in the tab and in print
    mode="content"  what goes inside <main>
  The frame brings the clinic name, the navigation (the current section is
  marked aria-current="page"), the stylesheet with its print rules, and a
  skip link.  Text is escaped by the serializer; nothing here or in any
  view switches output escaping off.

  Parameters (set by the core's renderer):
    clinic  the clinic's name from the config
    path    the request path, to mark the current section
    csrf    the form token, when the core issues one (forms include it)
    staff-name, staff-role   the signed-in staff member ('' when nobody is)

  Every view that imports this file sees $staff-role ('admin', 'clinician',
  'front-desk'): a link or form is shown only to the roles its route admits
  (tests/integration/role-links.test.mjs crawls each role's pages for a
  403), and the navigation names each plugin's staff index page for the
  roles that may open it.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:output method="html" encoding="UTF-8" indent="no"
              doctype-system="about:legacy-compat"/>

  <xsl:param name="clinic" select="'Cairn'"/>
  <xsl:param name="path" select="'/'"/>
  <xsl:param name="csrf" select="''"/>
  <xsl:param name="staff-name" select="''"/>
  <xsl:param name="staff-role" select="''"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>
          <xsl:apply-templates select="*" mode="title"/>
          <xsl:text> · </xsl:text>
          <xsl:value-of select="$clinic"/>
        </title>
        <link rel="stylesheet" href="/static/cairn.css"/>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml"/>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
          <div class="wrap">
            <a class="brand" href="/">
              <xsl:if test="$staff-role = ''">
                <!-- Visitors: / is staff sign-in; the public start is /pricing. -->
                <xsl:attribute name="href">/pricing</xsl:attribute>
              </xsl:if>
              <xsl:value-of select="$clinic"/>
            </a>
            <xsl:if test="$staff-role != ''">
            <nav class="main" aria-label="Main">
              <ul>
                <li><a href="/">
                  <xsl:if test="$path = '/'">
                    <xsl:attribute name="aria-current">page</xsl:attribute>
                  </xsl:if>Overview</a></li>
                <li><a href="/patients">
                  <xsl:if test="$path = '/patients' or starts-with($path, '/patients/')">
                    <xsl:attribute name="aria-current">page</xsl:attribute>
                  </xsl:if>Patients</a></li>
                <li><a href="/intake">
                  <xsl:if test="$path = '/intake' or starts-with($path, '/intake/')">
                    <xsl:attribute name="aria-current">page</xsl:attribute>
                  </xsl:if>Intake</a></li>
                <li><a href="/schedule">
                  <xsl:if test="$path = '/schedule'">
                    <xsl:attribute name="aria-current">page</xsl:attribute>
                  </xsl:if>Schedule</a></li>
                <!-- The plugins' staff index pages, each for the roles its
                     route admits: the open referrals and the exercise
                     worklist are clinical (clinician, admin); the front
                     desk has the partners' directory and the libraries. -->
                <xsl:choose>
                  <xsl:when test="$staff-role != 'front-desk'">
                    <li><a href="/referrals">
                      <xsl:if test="$path = '/referrals' or $path = '/partners' or starts-with($path, '/partners/')">
                        <xsl:attribute name="aria-current">page</xsl:attribute>
                      </xsl:if>Referrals</a></li>
                  </xsl:when>
                  <xsl:otherwise>
                    <li><a href="/partners">
                      <xsl:if test="$path = '/partners' or starts-with($path, '/partners/')">
                        <xsl:attribute name="aria-current">page</xsl:attribute>
                      </xsl:if>Partners</a></li>
                  </xsl:otherwise>
                </xsl:choose>
                <li><a href="/herbs">
                  <xsl:if test="$path = '/herbs' or starts-with($path, '/herbal/')">
                    <xsl:attribute name="aria-current">page</xsl:attribute>
                  </xsl:if>Herbs</a></li>
                <li><a href="/exercises">
                  <xsl:if test="$path = '/exercises' or $path = '/exercise'">
                    <xsl:attribute name="aria-current">page</xsl:attribute>
                  </xsl:if>Exercise</a></li>
                <li><a href="/maintenance">
                  <xsl:if test="$path = '/maintenance' or starts-with($path, '/maintenance/')">
                    <xsl:attribute name="aria-current">page</xsl:attribute>
                  </xsl:if>Maintenance</a></li>
                <xsl:if test="$staff-role != 'front-desk'">
                  <li><a href="/outcomes">
                    <xsl:if test="$path = '/outcomes' or starts-with($path, '/outcomes/')">
                      <xsl:attribute name="aria-current">page</xsl:attribute>
                    </xsl:if>Outcomes</a></li>
                  <li><a href="/economics">
                    <xsl:if test="$path = '/economics'">
                      <xsl:attribute name="aria-current">page</xsl:attribute>
                    </xsl:if>Economics</a></li>
                </xsl:if>
                <!-- One line at a laptop's width: clinicians and the
                     administrator reach the instruments from the overview
                     ("How each instrument is scored"). -->
                <xsl:if test="$staff-role = 'front-desk'">
                  <li><a href="/instruments">
                    <xsl:if test="$path = '/instruments'">
                      <xsl:attribute name="aria-current">page</xsl:attribute>
                    </xsl:if>Instruments</a></li>
                </xsl:if>
                <xsl:if test="$staff-role = 'admin'">
                  <li><a href="/admin/users">
                    <xsl:if test="$path = '/admin/users'">
                      <xsl:attribute name="aria-current">page</xsl:attribute>
                    </xsl:if>Staff</a></li>
                  <li><a href="/admin/audit">
                    <xsl:if test="$path = '/admin/audit'">
                      <xsl:attribute name="aria-current">page</xsl:attribute>
                    </xsl:if>Audit</a></li>
                  <li><a href="/admin/outbox">
                    <xsl:if test="$path = '/admin/outbox'">
                      <xsl:attribute name="aria-current">page</xsl:attribute>
                    </xsl:if>Outbox</a></li>
                  <li><a href="/admin/jobs">
                    <xsl:if test="$path = '/admin/jobs'">
                      <xsl:attribute name="aria-current">page</xsl:attribute>
                    </xsl:if>Jobs</a></li>
                </xsl:if>
              </ul>
            </nav>
            <form class="signout no-print" method="post" action="/sign-out">
              <xsl:call-template name="csrf-field"/>
              <span class="who">
                <xsl:value-of select="$staff-name"/>
                <xsl:text> · </xsl:text>
                <xsl:choose>
                  <xsl:when test="$staff-role = 'front-desk'">front desk</xsl:when>
                  <xsl:otherwise><xsl:value-of select="$staff-role"/></xsl:otherwise>
                </xsl:choose>
              </span>
              <button type="submit" class="link">Sign out</button>
            </form>
            </xsl:if>
          </div>
        </header>
        <main id="main" class="wrap" tabindex="-1">
          <xsl:apply-templates select="*" mode="content"/>
        </main>
        <footer class="site">
          <div class="wrap">
            <xsl:value-of select="$clinic"/>
            <xsl:text> · Cairn practice server</xsl:text>
          </div>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- Defaults, so that this file also renders alone. -->
  <xsl:template match="*" mode="title">Cairn</xsl:template>
  <xsl:template match="*" mode="content">
    <h1>Cairn</h1>
    <p class="muted">This page has no view of its own.</p>
  </xsl:template>

  <!-- ============================================== shared helpers -->

  <!-- The form token, when the core issued one. -->
  <xsl:template name="csrf-field">
    <xsl:if test="$csrf != ''">
      <input type="hidden" name="csrf" value="{$csrf}"/>
    </xsl:if>
  </xsl:template>

  <!-- Numbers for people: format-number with this format prints "—"
       for what is not a number (an absent or empty attribute, text), so
       the value needs no test first; a view may call format-number with
       it directly where a template call per value costs too much (a table
       row per observation).  -->
  <xsl:decimal-format name="cairn" NaN="—"/>

  <!-- An improvement fraction (0.3412) as a percentage ("34%"); "—" for
       what is not a number.  Written out: format-number(v, '0%;−0%', 'cairn'). -->
  <xsl:template name="percent">
    <xsl:param name="fraction"/>
    <xsl:value-of select="format-number($fraction, '0%;−0%', 'cairn')"/>
  </xsl:template>

  <!-- A number with one decimal, for means and SDs; "—" for what is not a
       number.  Written out: format-number(v, '0.0;−0.0', 'cairn'). -->
  <xsl:template name="one-decimal">
    <xsl:param name="value"/>
    <xsl:value-of select="format-number($value, '0.0;−0.0', 'cairn')"/>
  </xsl:template>

  <!-- A date and time as the product shows them: "2026-12-04 10:30" from
       "2026-12-04T10:30" (seconds and a zone suffix dropped).  The value is
       the clinic's local time already (the plugins store it so). -->
  <xsl:template name="datetime">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="string-length($value) &gt;= 16 and substring($value, 11, 1) = 'T'">
        <xsl:value-of select="concat(substring($value, 1, 10), ' ', substring($value, 12, 5))"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "lower-is-better" as words. -->
  <xsl:template name="direction">
    <xsl:param name="direction"/>
    <xsl:choose>
      <xsl:when test="$direction = 'higher-is-better'">higher is better</xsl:when>
      <xsl:otherwise>lower is better</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
