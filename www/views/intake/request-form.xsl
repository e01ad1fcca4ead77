<?xml version="1.0" encoding="UTF-8"?>
<!--
  intake/request-form.xsl - the public page where a person asks for the
  free discovery call (GET /request-a-call; again with 422 or 429 when a
  POST is refused).

  View document (plugins/intake/public.c):
    <request-form action= stamp=>
      <form id="f">...</form>?   the form model's values and messages
                                (www/views/form-lib.xsl)
    </request-form>

  Works without JavaScript; every input has a label; messages sit next to
  their fields.  "website" is a honeypot: hidden from sight and from
  assistive technology and out of the tab order, so only robots fill it.
-->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:import href="../layout.xsl"/>
  <xsl:include href="../form-lib.xsl"/>

  <!-- The form model's <form>: what was typed and the messages. -->
  <xsl:variable name="form" select="/*/form"/>

  <xsl:template match="request-form" mode="title">
    <xsl:if test="form/error">Not sent: </xsl:if>
    <xsl:text>Ask for a free discovery call</xsl:text>
  </xsl:template>

  <xsl:template match="request-form" mode="content">
    <div class="panel narrow-form">
      <h1>Ask for a free discovery call</h1>
      <p class="lead">A 15-minute telephone or video call with one of our clinicians, at no cost.
        We listen to what is going on, tell you honestly whether our program could help,
        and if not, where we would go instead.</p>
      <xsl:call-template name="form-error-summary"><xsl:with-param name="form" select="$form"/>
        <xsl:with-param name="title" select="'Your request was not sent'"/>
      </xsl:call-template>
      <form method="post" action="{@action}" novalidate="novalidate">
        <xsl:call-template name="csrf-field"/>
        <input type="hidden" name="stamp" value="{@stamp}"/>
        <div class="hp" aria-hidden="true">
          <label for="f-website">Leave this field empty</label>
          <input type="text" id="f-website" name="website" tabindex="-1" autocomplete="off" value=""/>
        </div>
        <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="'name'"/>
          <xsl:with-param name="label" select="'Your name'"/>
          <xsl:with-param name="autocomplete" select="'name'"/>
          <xsl:with-param name="max" select="string($form/field[@name = 'name']/@maxlength)"/>
        </xsl:call-template>
        <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="'contact'"/>
          <xsl:with-param name="label" select="'How can we reach you?'"/>
          <xsl:with-param name="hint" select="'A phone number or an email address.'"/>
          <xsl:with-param name="max" select="string($form/field[@name = 'contact']/@maxlength)"/>
        </xsl:call-template>
        <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="'times'"/>
          <xsl:with-param name="label" select="'When suits you for the call? (optional)'"/>
          <xsl:with-param name="hint" select="'For example: weekday mornings, or Tuesday after 5 pm.'"/>
          <xsl:with-param name="max" select="string($form/field[@name = 'times']/@maxlength)"/>
        </xsl:call-template>
        <xsl:call-template name="form-text"><xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="'problem'"/>
          <xsl:with-param name="label" select="'A few lines about your pain'"/>
          <xsl:with-param name="hint" select="'Where it hurts, for how long, and what it stops you doing. Please do not send test results or anything urgent: if you need help now, call your doctor or emergency services.'"/>
          <xsl:with-param name="rows" select="5"/>
          <xsl:with-param name="max" select="string($form/field[@name = 'problem']/@maxlength)"/>
        </xsl:call-template>
        <xsl:call-template name="form-checkbox"><xsl:with-param name="form" select="$form"/>
          <xsl:with-param name="name" select="'consent'"/>
          <xsl:with-param name="label" select="'I agree that the clinic may contact me about this call, using the details above.'"/>
        </xsl:call-template>
        <p class="actions"><button type="submit">Send my request</button></p>
      </form>
      <p class="muted small">We use what you send only to arrange the call. Clinic staff read it; nobody else does.</p>
    </div>
  </xsl:template>
</xsl:stylesheet>
